#include "core/big_stack.h"

namespace samplan {
namespace {

thread_local bool big_stack = false;

}  // namespace

BigStackThread::BigStackThread(std::function<void()> body) : body_(std::move(body)) {
    constexpr size_t kStack = 64u * 1024u * 1024u;
    pthread_attr_t attr;
    running_ = pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, kStack) == 0 &&
               pthread_create(&thread_, &attr, &BigStackThread::main, this) == 0;
    pthread_attr_destroy(&attr);
    if (!running_) fallback_ = std::thread(body_);  // its parses are handed to a big stack
}

BigStackThread::~BigStackThread() { join(); }

void BigStackThread::join() {
    if (fallback_.joinable()) fallback_.join();
    if (!running_) return;
    pthread_join(thread_, nullptr);
    running_ = false;
}

void* BigStackThread::main(void* self) {
    big_stack = true;
    static_cast<BigStackThread*>(self)->body_();
    return nullptr;
}

bool on_big_stack() { return big_stack; }

}  // namespace samplan
