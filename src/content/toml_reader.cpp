#include "content/toml_reader.h"

#include <pthread.h>

#include <condition_variable>
#include <mutex>

#include <toml++/toml.h>

#include "core/big_stack.h"

namespace samplan::content {
namespace {

SourcePos pos_of(const toml::source_region& src, int line_offset) {
    return SourcePos{static_cast<int>(src.begin.line) + line_offset, static_cast<int>(src.begin.column)};
}

TimeOfDay time_of_day(const toml::time& t) {
    return TimeOfDay{t.hour, t.minute, t.second, t.nanosecond};
}

Value convert(const toml::node& node, int line_offset) {
    Value v;
    v.pos = pos_of(node.source(), line_offset);
    if (const auto* t = node.as_table()) {
        v.type = Value::Type::Table;
        v.entries.reserve(t->size());
        for (auto&& [k, child] : *t) {
            Entry& e = v.entries.emplace_back();
            e.key = std::string(k.str());
            e.key_pos = pos_of(k.source(), line_offset);
            e.value.reserve(1);
            e.value.push_back(convert(child, line_offset));
        }
    } else if (const auto* a = node.as_array()) {
        v.type = Value::Type::Array;
        v.items.reserve(a->size());
        for (const auto& child : *a) v.items.push_back(convert(child, line_offset));
    } else if (const auto* s = node.as_string()) {
        v.type = Value::Type::String;
        v.string = s->get();
    } else if (const auto* i = node.as_integer()) {
        v.type = Value::Type::Integer;
        v.integer = i->get();
    } else if (const auto* f = node.as_floating_point()) {
        v.type = Value::Type::Float;
        v.floating = f->get();
    } else if (const auto* b = node.as_boolean()) {
        v.type = Value::Type::Boolean;
        v.boolean = b->get();
    } else if (const auto* d = node.as_date()) {
        v.type = Value::Type::Date;
        v.date = Date{d->get().year, d->get().month, d->get().day};
    } else if (const auto* t = node.as_time()) {
        v.type = Value::Type::Time;
        v.time = time_of_day(t->get());
    } else if (const auto* dt = node.as_date_time()) {
        v.type = Value::Type::DateTime;
        const toml::date_time& value = dt->get();
        v.date = Date{value.date.year, value.date.month, value.date.day};
        v.time = time_of_day(value.time);
        if (value.offset) {
            v.has_offset = true;
            v.offset_minutes = value.offset->minutes;
        }
    }
    return v;
}

struct ParseJob {
    std::string_view text;
    int line_offset = 0;
    std::optional<Value> result;
    TomlError error;
};

void run_parse(ParseJob& job) {
    try {
        toml::table table = toml::parse(job.text);
        job.result = convert(table, job.line_offset);
        // The root table's own region is not meaningful: point at the first line of the document.
        job.result->pos = SourcePos{1 + job.line_offset, 1};
    } catch (const toml::parse_error& e) {
        job.error.pos = pos_of(e.source(), job.line_offset);
        job.error.message = std::string(e.description());
    } catch (const std::exception& e) {
        job.error.pos = SourcePos{1 + job.line_offset, 1};
        job.error.message = e.what();
    }
}

// toml++ recurses once per nesting level and so does convert(); check_toml_nesting bounds both
// to kMaxTomlNesting levels before they start, and parsing also runs on a thread with a 64 MiB
// stack, a margin. A thread made by samplan::BigStackThread parses itself; any other
// keeps one helper thread for all its parses (starting a thread per file was a visible cost on
// large sites, and handing each parse over one too).
class ParserThread {
public:
    ParserThread() {
        constexpr size_t kStack = 64u * 1024u * 1024u;
        pthread_attr_t attr;
        started_ = pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, kStack) == 0 &&
                   pthread_create(&thread_, &attr, &ParserThread::main, this) == 0;
        pthread_attr_destroy(&attr);
    }
    ~ParserThread() {
        if (!started_) return;
        {
            std::lock_guard lock(mutex_);
            quit_ = true;
        }
        wake_.notify_one();
        pthread_join(thread_, nullptr);
    }
    ParserThread(const ParserThread&) = delete;
    ParserThread& operator=(const ParserThread&) = delete;

    void run(ParseJob& job) {
        if (!started_) {
            run_parse(job);
            return;
        }
        std::unique_lock lock(mutex_);
        job_ = &job;
        wake_.notify_one();
        done_.wait(lock, [&] { return job_ == nullptr; });
    }

private:
    static void* main(void* self) {
        static_cast<ParserThread*>(self)->loop();
        return nullptr;
    }
    void loop() {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_.wait(lock, [&] { return job_ != nullptr || quit_; });
            if (job_ == nullptr) return;  // quit
            run_parse(*job_);
            job_ = nullptr;
            done_.notify_one();
        }
    }

    pthread_t thread_{};
    bool started_ = false;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    ParseJob* job_ = nullptr;
    bool quit_ = false;
};

}  // namespace

std::optional<Value> parse_toml(std::string_view text, int line_offset, TomlError& error) {
    if (auto fast = parse_toml_fast(text, line_offset)) return fast;
    return parse_toml_reference(text, line_offset, error);
}

std::optional<Value> parse_toml_reference(std::string_view text, int line_offset, TomlError& error) {
    if (!check_toml_nesting(text, line_offset, error)) return std::nullopt;
    ParseJob job{text, line_offset, std::nullopt, {}};
    if (on_big_stack()) {
        run_parse(job);
    } else {
        thread_local ParserThread parser;
        parser.run(job);
    }
    if (!job.result) error = job.error;
    return std::move(job.result);
}

}  // namespace samplan::content
