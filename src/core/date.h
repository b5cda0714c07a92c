// core/date.h — calendar dates as the content model writes them (TOML local dates).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace samplan {

struct Date {
    int year = 0;
    int month = 0;
    int day = 0;

    auto operator<=>(const Date&) const = default;

    // Days since 1970-01-01 (proleptic Gregorian); used for date arithmetic.
    [[nodiscard]] long days_since_epoch() const;
    [[nodiscard]] static Date from_days_since_epoch(long days);
    // "2025-03-01"
    [[nodiscard]] std::string iso() const;
    [[nodiscard]] bool valid() const;
    // Whole months from this date to `later` (negative when later is earlier).
    [[nodiscard]] int months_until(const Date& later) const;
    [[nodiscard]] Date add_months(int months) const;
};

// Parses exactly YYYY-MM-DD; nullopt otherwise.
std::optional<Date> parse_iso_date(std::string_view text);
// The system's current local date.
Date today_local();

}  // namespace samplan
