// The open data is a Frictionless Data Package: every CSV matches the schema the package declares.
#include <doctest/doctest.h>

#include <regex>
#include <sstream>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

struct DeclaredField {
    std::string name;
    std::string type;
};

// The fields of resource `name` as datapackage.json declares them, in order.
std::vector<DeclaredField> declared_fields(const std::string& package, const std::string& name) {
    const auto start = package.find("{\"name\":\"" + name + "\"");
    REQUIRE(start != std::string::npos);
    const auto end = package.find("]}}", start);
    const std::string resource = package.substr(start, end - start);
    std::vector<DeclaredField> fields;
    const std::regex field(R"re(\{"name":"([a-z_]+)","type":"([a-z]+)")re");
    for (std::sregex_iterator it(resource.begin(), resource.end(), field), stop; it != stop; ++it)
        fields.push_back({(*it)[1], (*it)[2]});
    return fields;
}

bool valid(const std::string& type, const std::string& value) {
    if (value.empty() || type == "string") return true;
    if (type == "integer") return std::regex_match(value, std::regex("-?[0-9]+"));
    if (type == "number") return std::regex_match(value, std::regex("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?"));
    if (type == "date") return std::regex_match(value, std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}"));
    return false;
}

}  // namespace

TEST_CASE("every CSV of the open data matches the schema its data package declares") {
    TempDir out;
    REQUIRE(run_samplan({"build", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", (out.path() / "site").string(),
                         "--today", "2026-11-24", "--quiet"})
                .exit_code == 0);
    const fs::path data = out.path() / "site/data";
    const std::string package = read_file(data / "datapackage.json");
    CHECK(package.rfind("{\"profile\":\"data-package\"", 0) == 0);
    CHECK(package.find("{\"name\":\"site\",\"path\":\"site.json\"") != std::string::npos);
    for (const std::string resource : {"activities", "indicators"}) {
        INFO(resource);
        const auto fields = declared_fields(package, resource);
        REQUIRE(fields.size() >= 10);
        const auto rows = parse_csv(read_file(data / (resource + ".csv")));
        REQUIRE(rows.size() > 5);
        std::vector<std::string> header;
        for (const auto& f : fields) header.push_back(f.name);
        CHECK(rows[0] == header);
        for (size_t r = 1; r < rows.size(); ++r) {
            INFO("row " << r);
            REQUIRE(rows[r].size() == fields.size());
            for (size_t c = 0; c < fields.size(); ++c)
                CHECK_MESSAGE(valid(fields[c].type, rows[r][c]), fields[c].name << " = " << rows[r][c]);
        }
    }
    // Names travel with the ids (focus area, goal, target group, group).
    const std::string activities = read_file(data / "activities.csv");
    CHECK(activities.rfind("group,group_name,plan,activity,title,status,target_group,target_group_label,focus_area,"
                           "focus_area_title,goal,goal_title,", 0) == 0);
    CHECK(activities.find("uddevalla,Lokal samverkansgrupp Uddevalla,2026,") != std::string::npos);
    CHECK(activities.find(",barn-och-unga,Barn och unga,") != std::string::npos);
    // In the indicators too: a regional indicator's goal and focus area, a local one's activity,
    // group, goal, focus area and target group, each id with its name.
    const std::string indicators = read_file(data / "indicators.csv");
    CHECK(indicators.rfind("level,group,group_name,plan,activity,activity_title,focus_area,focus_area_title,goal,goal_title,"
                           "target_group,target_group_label,indicator,title,unit,", 0) == 0);
    for (const auto& row : parse_csv(indicators)) {
        INFO(row[0] << " " << row[12]);
        if (row[0] == "level") continue;
        CHECK(!row[6].empty());  // every indicator is placed in a focus area and a goal, named
        CHECK(!row[7].empty());
        CHECK(!row[8].empty());
        CHECK(!row[9].empty());
        CHECK(row[1].empty() == (row[0] == "regional"));
        CHECK(row[2].empty() == row[1].empty());   // a group's name beside its id
        CHECK(row[5].empty() == row[4].empty());   // an activity's title beside its id
        CHECK(row[11].empty() == row[10].empty()); // a target group's name beside its id
    }
    CHECK(indicators.find(",uddevalla,Lokal samverkansgrupp Uddevalla,2026,") != std::string::npos);
    // Units travel with the values.
    CHECK(indicators.find(",dagar,baseline,") != std::string::npos);
}
