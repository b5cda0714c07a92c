#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>

namespace samplan::cli {
namespace {

constexpr int kBarCells = 20;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string milliseconds(std::chrono::steady_clock::duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", std::chrono::duration<double, std::milli>(d).count());
    return buf;
}

}  // namespace

bool stderr_is_terminal() {
    const char* term = std::getenv("TERM");
    return isatty(STDERR_FILENO) == 1 && term && *term && std::strcmp(term, "dumb") != 0;
}

Progress::Progress(std::ostream& err, Verbosity verbosity, bool terminal)
    : err_(err), verbosity_(verbosity), terminal_(terminal) {}

Progress::~Progress() { finish(); }

void Progress::stage(const std::string& name, size_t total) {
    std::lock_guard lock(mutex_);
    end_stage();
    stage_ = name;
    done_ = 0;
    total_ = total;
    drawn_ = 0;
    began_ = std::chrono::steady_clock::now();
    if (verbosity_ == Verbosity::Quiet) return;
    if (terminal_) {
        draw(0, true);
    } else {
        err_ << "samplan: [" << stage_ << "] …";
        if (total > 0) err_ << " 0/" << total;
        err_ << "\n";
    }
}

void Progress::advance(size_t steps) {
    const size_t done = done_.fetch_add(steps) + steps;
    if (!terminal_ || verbosity_ == Verbosity::Quiet) return;
    // One thread redraws at a time; the others go on working.
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) draw(done, false);
}

void Progress::detail(const std::string& text) {
    if (verbosity_ != Verbosity::Verbose) return;
    std::lock_guard lock(mutex_);
    clear_bar();
    err_ << "samplan: " << (stage_.empty() ? "" : "[" + stage_ + "] ") << text << "\n";
    if (terminal_ && !stage_.empty()) draw(done_, true);
}

void Progress::note(const std::string& text, bool even_when_quiet) {
    if (verbosity_ == Verbosity::Quiet && !even_when_quiet) return;
    std::lock_guard lock(mutex_);
    clear_bar();
    err_ << "samplan: " << text << "\n";
    if (terminal_ && !stage_.empty()) draw(done_, true);
}

void Progress::finish() {
    std::lock_guard lock(mutex_);
    end_stage();
}

void Progress::end_stage() {
    if (stage_.empty()) return;
    const size_t done = done_, total = total_;
    if (verbosity_ != Verbosity::Quiet) {
        clear_bar();
        if (!terminal_ || verbosity_ == Verbosity::Verbose) {
            err_ << "samplan: [" << stage_ << "] done";
            if (total > 0 || done > 0) err_ << " " << done << "/" << (total > 0 ? total : done);
            if (verbosity_ == Verbosity::Verbose) err_ << " in " << milliseconds(std::chrono::steady_clock::now() - began_);
            err_ << "\n";
        }
    }
    err_.flush();
    stage_.clear();
}

void Progress::clear_bar() {
    if (!bar_shown_) return;
    err_ << "\r\033[K";
    bar_shown_ = false;
}

void Progress::draw(size_t done, bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && (done == drawn_ || now - drawn_at_ < kRedrawEvery)) return;
    drawn_ = done;
    drawn_at_ = now;
    const size_t total = total_;
    std::string line = "\r\033[K[" + stage_ + "]";
    if (total > 0) {
        const size_t shown = done < total ? done : total;
        const int filled = static_cast<int>(shown * kBarCells / total);
        // Appended piece by piece: GCC 12 at -O3 warns falsely of -Wrestrict in " " + std::string.
        line += ' ';
        line += std::to_string(shown);
        line += '/';
        line += std::to_string(total);
        line += " ▕";
        for (int i = 0; i < kBarCells; ++i) line += i < filled ? "█" : "░";
        line += "▏";
    } else if (done > 0) {
        line += ' ';
        line += std::to_string(done);
    }
    err_ << line << std::flush;
    bar_shown_ = true;
}

}  // namespace samplan::cli
