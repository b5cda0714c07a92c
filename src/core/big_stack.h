// core/big_stack.h — threads with a large stack. Parsing recurses once per nesting level of the
// input (toml++, and the conversion after it): code that parses runs on a thread made here, or
// hands its parse to one (see content/toml_reader.cpp). Nesting is bounded anyway (64 levels, see
// content::kMaxTomlNesting, checked before anything recurses), so no correctness depends on this
// stack: it is a margin, and the tests run the readers on small stacks.
#pragma once

#include <functional>
#include <pthread.h>
#include <thread>

namespace samplan {

// A thread with a 64 MiB stack (address space, used only as deep as the recursion goes) running
// `body`; joined by join() or the destructor. Where the system refuses such a thread, `body` runs
// on an ordinary one.
class BigStackThread {
public:
    explicit BigStackThread(std::function<void()> body);
    ~BigStackThread();
    BigStackThread(const BigStackThread&) = delete;
    BigStackThread& operator=(const BigStackThread&) = delete;
    void join();

private:
    static void* main(void* self);
    std::function<void()> body_;
    pthread_t thread_{};
    bool running_ = false;
    std::thread fallback_;
};

// Whether the calling thread was made by BigStackThread.
bool on_big_stack();

}  // namespace samplan
