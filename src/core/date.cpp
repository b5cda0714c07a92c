#include "core/date.h"

#include <cstdio>
#include <ctime>

namespace samplan {
namespace {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y)) return 29;
    return kDays[m - 1];
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
long Date::days_since_epoch() const {
    const long y = static_cast<long>(year) - (month <= 2 ? 1 : 0);
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long m = month;
    const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

Date Date::from_days_since_epoch(long z) {
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const long doe = z - era * 146097;
    const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long y = yoe + era * 400;
    const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long mp = (5 * doy + 2) / 153;
    const long d = doy - (153 * mp + 2) / 5 + 1;
    const long m = mp + (mp < 10 ? 3 : -9);
    return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

std::string Date::iso() const {
    const int y = year % 10000, m = month % 100, d = day % 100;
    if (y >= 0 && m >= 0 && d >= 0) {  // written by hand: snprintf was 3% of a build's instructions
        std::string s = "0000-00-00";
        s[0] = static_cast<char>('0' + y / 1000);
        s[1] = static_cast<char>('0' + y / 100 % 10);
        s[2] = static_cast<char>('0' + y / 10 % 10);
        s[3] = static_cast<char>('0' + y % 10);
        s[5] = static_cast<char>('0' + m / 10);
        s[6] = static_cast<char>('0' + m % 10);
        s[8] = static_cast<char>('0' + d / 10);
        s[9] = static_cast<char>('0' + d % 10);
        return s;
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

bool Date::valid() const {
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}

int Date::months_until(const Date& later) const {
    int months = (later.year - year) * 12 + (later.month - month);
    if (months > 0 && later.day < day) --months;
    if (months < 0 && later.day > day) ++months;
    return months;
}

Date Date::add_months(int months) const {
    int total = year * 12 + (month - 1) + months;
    Date d{total / 12, total % 12 + 1, day};
    if (d.day > days_in_month(d.year, d.month)) d.day = days_in_month(d.year, d.month);
    return d;
}

std::optional<Date> parse_iso_date(std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
    auto num = [&](size_t from, size_t len, int& out) {
        out = 0;
        for (size_t i = from; i < from + len; ++i) {
            if (t[i] < '0' || t[i] > '9') return false;
            out = out * 10 + (t[i] - '0');
        }
        return true;
    };
    Date d;
    if (!num(0, 4, d.year) || !num(5, 2, d.month) || !num(8, 2, d.day) || !d.valid()) return std::nullopt;
    return d;
}

Date today_local() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

}  // namespace samplan
