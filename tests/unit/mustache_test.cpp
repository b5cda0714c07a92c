// The Mustache engine: what the themes rely on, with libmstch 1.0.2's behaviour where it differs
// from the spec (the default theme was written against it).
#include <doctest/doctest.h>

#include <pthread.h>

#include <stdexcept>

#include "render/mustache.h"
#include "render/render.h"

using samplan::site::Data;
using namespace samplan::render;

namespace {

// Renders template "main" (with the other templates as partials) over `data`.
std::string render_text(std::map<std::string, std::string> templates, const Data& data, const Data* outer = nullptr) {
    std::vector<mustache::TemplateError> errors;
    const mustache::TemplateSet set(templates, errors);
    REQUIRE(errors.empty());
    std::string out;
    if (outer) {
        const Data* contexts[] = {outer, &data};
        set.render("main", contexts, out);
    } else {
        const Data* contexts[] = {&data};
        set.render("main", contexts, out);
    }
    return out;
}

std::string render_text(const std::string& main, const Data& data) { return render_text({{"main", main}}, data); }

// "name:line:column: message" for each error.
std::vector<std::string> errors(const std::map<std::string, std::string>& templates) {
    std::vector<mustache::TemplateError> errors;
    const mustache::TemplateSet set(templates, errors);
    std::vector<std::string> out;
    for (const auto& e : errors)
        out.push_back(e.template_name + ":" + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + ": " +
                      e.message);
    return out;
}

Data list_of(std::initializer_list<Data> items) {
    Data list = Data::list();
    for (const auto& item : items) list.push(item);
    return list;
}

}  // namespace

TEST_CASE("{{x}} is escaped, {{{x}}} and {{&x}} are not") {
    const Data data = Data::map({{"x", "<a href=\"x\">'&'</a>"}});
    CHECK(render_text("{{x}}", data) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    CHECK(render_text("{{{x}}}|{{& x }}|{{{ x }}}", data) ==
          "<a href=\"x\">'&'</a>|<a href=\"x\">'&'</a>|<a href=\"x\">'&'</a>");
    CHECK(render_text("[{{missing}}][{{{missing}}}]", data) == "[][]");
    CHECK(render_text("{{yes}} {{no}}", Data::map({{"yes", true}, {"no", false}})) == "true false");
    CHECK(render_text("[{{list}}][{{map}}][{{null}}]", Data::map({{"list", list_of({"a"})}, {"map", Data::map({{"a", "b"}})},
                                                                {"null", Data()}})) == "[][][]");
}

TEST_CASE("escaping finds each special character wherever it stands in long text") {
    const std::pair<char, std::string> specials[] = {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}};
    for (const auto& [c, entity] : specials)
        for (size_t before = 0; before < 20; ++before) {
            const std::string plain(before, 'a'), tail = "åäö bcdefghijk";
            std::string out = "[";
            samplan::render::mustache::append_escaped(out, plain + c + tail + c);
            CHECK(out == "[" + plain + entity + tail + entity);
        }
    std::string out;
    samplan::render::mustache::append_escaped(out, std::string(100, 'x'));
    CHECK(out == std::string(100, 'x'));
    // A control character or noncharacter becomes U+FFFD wherever it stands.
    for (const std::string bad : {"\x01", "\x1F", "\x7F", "\xEF\xBF\xBE", "\xEF\xBF\xBF", "\xFF"})
        for (size_t before = 0; before < 20; ++before) {
            const std::string plain(before, 'a'), tail = "åäö bcdefghijk";
            std::string escaped;
            samplan::render::mustache::append_escaped(escaped, plain + bad + tail + bad);
            CHECK(escaped == plain + "\xEF\xBF\xBD" + tail + "\xEF\xBF\xBD");
        }
}

TEST_CASE("Markdown values are rendered to safe HTML, and escaped again by {{x}}") {
    const Data data = Data::map({{"body", Data::markdown("*kursiv* <script>x</script>")}});
    CHECK(render_text("{{{body}}}", data) == "<p><em>kursiv</em> <!-- raw HTML omitted -->x<!-- raw HTML omitted --></p>\n");
    CHECK(render_text("{{body}}", data) ==
          "&lt;p&gt;&lt;em&gt;kursiv&lt;/em&gt; &lt;!-- raw HTML omitted --&gt;x&lt;!-- raw HTML omitted --&gt;&lt;/p&gt;\n");
    // A Markdown text that renders to nothing counts as empty.
    CHECK(render_text("{{#body}}yes{{/body}}{{^body}}no{{/body}}", Data::map({{"body", Data::markdown("  \n")}})) == "no");
}

TEST_CASE("sections repeat over lists, enter maps, and show for true and non-empty text") {
    const Data data = Data::map({
        {"people", list_of({Data::map({{"name", "Ann"}}), Data::map({{"name", "Bo"}})})},
        {"tags", list_of({"a", "<b>"})},
        {"group", Data::map({{"name", "Alfa"}})},
        {"empty_map", Data::map()},
        {"yes", true},
        {"no", false},
        {"text", "hej"},
        {"blank", ""},
        {"none", Data::list()},
        {"null", Data()},
    });
    CHECK(render_text("{{#people}}<{{name}}>{{/people}}", data) == "<Ann><Bo>");
    CHECK(render_text("{{#tags}}[{{.}}]{{/tags}}", data) == "[a][&lt;b&gt;]");
    CHECK(render_text("{{#group}}{{name}}{{/group}}", data) == "Alfa");
    CHECK(render_text("{{#empty_map}}shown{{/empty_map}}", data) == "shown");  // a map is never empty
    CHECK(render_text("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}", data) == "Y");
    CHECK(render_text("{{#text}}({{.}}){{/text}}{{#blank}}B{{/blank}}", data) == "(hej)");
    CHECK(render_text("{{#none}}x{{/none}}{{#null}}x{{/null}}{{#missing}}x{{/missing}}", data) == "");
    CHECK(render_text("{{#people}}{{#yes}}{{name}}{{/yes}}{{/people}}", data) == "AnnBo");
}

TEST_CASE("inverted sections show for false, empty and missing values only") {
    const Data data = Data::map({{"yes", true}, {"no", false}, {"blank", ""}, {"none", Data::list()},
                                 {"list", list_of({"a"})}, {"map", Data::map()}});
    CHECK(render_text("{{^no}}1{{/no}}{{^blank}}2{{/blank}}{{^none}}3{{/none}}{{^missing}}4{{/missing}}", data) == "1234");
    CHECK(render_text("{{^yes}}1{{/yes}}{{^list}}2{{/list}}{{^map}}3{{/map}}", data) == "");
    // libmstch renders an inverted section over an empty context.
    CHECK(render_text("{{#list}}{{^no}}[{{.}}]{{/no}}{{/list}}", data) == "[]");
}

TEST_CASE("a name not in the current context is looked up in the enclosing ones") {
    const Data data = Data::map({
        {"site", "Fyrbodal"},
        {"name", "root"},
        {"groups", list_of({Data::map({{"name", "Alfa"}}), Data::map({{"name", "Beta"}, {"site", Data()}})})},
    });
    CHECK(render_text("{{#groups}}{{name}}@{{site}};{{/groups}}", data) == "Alfa@Fyrbodal;Beta@;");
    // The outermost contexts (the UI strings) come last.
    const Data strings = Data::map({{"t", Data::map({{"hello", "Hej"}})}, {"name", "outer"}});
    CHECK(render_text({{"main", "{{t.hello}} {{name}}"}}, data, &strings) == "Hej root");
}

TEST_CASE("dotted names: the first part is looked up outwards, the rest inside what it found") {
    const Data data = Data::map({
        {"a", Data::map({{"b", Data::map({{"c", "abc"}})}, {"x", "ax"}})},
        {"inner", Data::map({{"a", Data::map({{"y", "inner"}})}})},
    });
    CHECK(render_text("{{a.b.c}}|{{a.x}}|{{a.b.missing}}|{{missing.b}}", data) == "abc|ax||");
    CHECK(render_text("{{#a.b}}{{c}}{{/a.b}}", data) == "abc");
    CHECK(render_text("{{#inner}}[{{a.y}}][{{a.x}}]{{/inner}}", data) == "[inner][]");
}

TEST_CASE("partials render in the current context, and an indented standalone partial is indented") {
    const Data data = Data::map({{"items", list_of({Data::map({{"name", "A"}}), Data::map({{"name", "B"}})})}});
    CHECK(render_text({{"main", "<ul>{{#items}}{{> item}}{{/items}}</ul>"}, {"item", "<li>{{name}}</li>"}}, data) ==
          "<ul><li>A</li><li>B</li></ul>");
    CHECK(render_text({{"main", "<div>\n  {{> lines}}\n</div>\n"}, {"lines", "one\ntwo\n"}}, data) ==
          "<div>\n  one\n  two\n</div>\n");
}

TEST_CASE("standalone lines: a line of only section, partial or comment tags leaves no trace") {
    const Data data = Data::map({{"yes", true}, {"no", false}, {"x", "X"}});
    CHECK(render_text("<p>\n  {{#yes}}  \n  in\n  {{/yes}}\n{{^no}}\nout\n{{/no}}\n</p>\n", data) == "<p>\n  in\nout\n</p>\n");
    CHECK(render_text("a\n  {{! a comment }}\nb\n", data) == "a\nb\n");
    CHECK(render_text("a\r\n{{#yes}}\r\nb\r\n{{/yes}}\r\n", data) == "a\r\nb\r\n");
    // A tag that ends the template counts as standalone too.
    CHECK(render_text("a\n  {{#yes}}b{{/yes}}", data) == "a\n  b");
    CHECK(render_text("a\n  {{#yes}}\n  {{/yes}}", data) == "a\n");
    // Not standalone: text or a variable on the line.
    CHECK(render_text("  {{#yes}}in{{/yes}}  \n", data) == "  in  \n");
    CHECK(render_text("{{x}} {{#yes}}\n{{/yes}}", data) == "X \n");
    // libmstch (unlike the spec) also strips a line of several such tags.
    CHECK(render_text("{{#yes}}{{/yes}}\nnext\n", data) == "next\n");
}

TEST_CASE("comments are left out") {
    CHECK(render_text("a{{! ignore }}b{{!\nmultiline\n}}c", Data::map()) == "abc");
}

TEST_CASE("template errors are reported with line and column, and only the broken template is left out") {
    CHECK(errors({{"main", "a\n  {{#items}}\n{{name}}\n"}}) ==
          std::vector<std::string>{"main:2:3: section {{#items}} is not closed (no {{/items}})"});
    CHECK(errors({{"main", "{{#a}}\n{{^b}}\n{{/a}}\n"}}) ==
          std::vector<std::string>{"main:3:1: {{/a}} does not match {{^b}} opened at line 2, column 1"});
    CHECK(errors({{"main", "x {{/a}}"}}) == std::vector<std::string>{"main:1:3: {{/a}} closes no section"});
    CHECK(errors({{"main", "<p>{{title</p>\n"}}) ==
          std::vector<std::string>{"main:1:4: tag is not closed: '{{' without '}}'"});
    CHECK(errors({{"main", "\n\n  {{> fot}}"}, {"foot", ""}}) ==
          std::vector<std::string>{"main:3:3: unknown partial 'fot' (did you mean 'foot'?)"});
    CHECK(errors({{"main", "{{ }}"}}) == std::vector<std::string>{"main:1:1: tag '{{ }}' has no name"});
    CHECK(errors({{"main", "{{=<% %>=}}"}}) ==
          std::vector<std::string>{"main:1:1: set-delimiter tags ({{=…=}}) are not supported"});
    CHECK(errors({{"main", "{{{x}}"}}) == std::vector<std::string>{"main:1:1: '{{{' is closed by '}}' instead of '}}}'"});
    // Columns count characters, not bytes.
    CHECK(errors({{"main", "åäö {{/x}}"}}) == std::vector<std::string>{"main:1:5: {{/x}} closes no section"});

    std::vector<mustache::TemplateError> found;
    const mustache::TemplateSet set({{"good", "ok"}, {"bad", "{{#a}}"}}, found);
    CHECK(found.size() == 1);
    CHECK(set.contains("good"));
    CHECK_FALSE(set.contains("bad"));
    std::string out;
    const Data data = Data::map();
    const Data* contexts[] = {&data};
    CHECK_THROWS_AS(set.render("bad", contexts, out), std::runtime_error);
}

TEST_CASE("a template that includes itself without end is an error, not a crash") {
    std::vector<mustache::TemplateError> found;
    const mustache::TemplateSet set({{"main", "x{{> main}}"}}, found);
    REQUIRE(found.empty());
    std::string out;
    const Data data = Data::map();
    const Data* contexts[] = {&data};
    CHECK_THROWS_AS(set.render("main", contexts, out), std::runtime_error);
}

TEST_CASE("a partial that includes itself inside sections is an error, not a crash, on a small stack") {
    std::string main;
    for (int i = 0; i < 99; ++i) main += "{{^none}}";
    main += "{{> main}}";
    for (int i = 0; i < 99; ++i) main += "{{/none}}";
    std::vector<mustache::TemplateError> found;
    const mustache::TemplateSet set({{"main", main}}, found);
    REQUIRE(found.empty());
    std::string out, error;
    const Data data = Data::map();
    // 100 partials of 99 sections each overflowed a 256 KiB stack; sections count towards the limit.
    // The sanitizer build is also instrumented for libFuzzer (scripts/fuzz.sh), whose coverage
    // counters make every frame larger: there the same depth is tried on 1 MiB.
    std::size_t stack = 256 * 1024;
#if defined(__has_feature)
#if __has_feature(coverage_sanitizer)
    stack *= 4;
#endif
#endif
    pthread_attr_t attr;
    REQUIRE(pthread_attr_init(&attr) == 0);
    REQUIRE(pthread_attr_setstacksize(&attr, stack) == 0);
    struct Job {
        const mustache::TemplateSet* set;
        const Data* data;
        std::string* out;
        std::string* error;
    } job{&set, &data, &out, &error};
    pthread_t thread;
    REQUIRE(pthread_create(&thread, &attr,
                           [](void* p) -> void* {
                               auto& j = *static_cast<Job*>(p);
                               const Data* contexts[] = {j.data};
                               try {
                                   j.set->render("main", contexts, *j.out);
                               } catch (const std::runtime_error& e) {
                                   *j.error = e.what();
                               }
                               return nullptr;
                           },
                           &job) == 0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
    CHECK(error == "template sections and partials are nested more than 100 deep");
}

TEST_CASE("the Renderer gives every page the UI strings as {{t.key}}") {
    Theme theme;
    theme.strings = samplan::site::Strings(std::map<std::string, std::string>{{"search_button", "Sök"}});
    std::vector<mustache::TemplateError> found;
    theme.templates = std::make_shared<const mustache::TemplateSet>(
        std::map<std::string, std::string>{{"page", "{{title}}: {{t.search_button}}"}}, found);
    const Renderer renderer(theme);
    CHECK(renderer.render({"x/index.html", "page", Data::map({{"title", "Sida"}})}) == "Sida: Sök");
    CHECK_THROWS_AS((void)renderer.render({"x/index.html", "nope", Data::map()}), std::runtime_error);
}
