#include "render/markdown_memory.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace samplan::render {

// Each block is preceded by this header, which keeps the 16-byte alignment malloc gives.
struct alignas(16) ParseMemory::Block {
    Block* previous;
    Block* next;
    size_t size;
};

namespace {

thread_local ParseMemory* t_current = nullptr;

void* mem_calloc(size_t count, size_t size) {
    if (size != 0 && count > (size_t{1} << 40) / size) std::abort();
    void* p = t_current->allocate(count * size);
    std::memset(p, 0, count * size);
    return p;
}
void* mem_realloc(void* p, size_t size) { return t_current->reallocate(p, size); }
void mem_free(void* p) { t_current->release(p); }

cmark_mem g_mem{mem_calloc, mem_realloc, mem_free};

// What a block of `size` takes: its header, and malloc's own word and rounding to 16 bytes (as
// glibc's malloc does). Most blocks are small (a node is about 170 bytes): the overheads are
// about a quarter of what a parse holds.
size_t footprint(size_t size) { return (sizeof(ParseMemory::Block) + size + 8 + 15) / 16 * 16; }

}  // namespace

ParseMemory::ParseMemory(size_t limit) : head_(new Block{}), limit_(limit), previous_(t_current) {
    head_->previous = head_->next = head_;
    t_current = this;
}

ParseMemory::~ParseMemory() {
    for (Block* b = head_->next; b != head_;) {
        Block* next = b->next;
        std::free(b);
        b = next;
    }
    delete head_;
    t_current = previous_;
    // A parse given up held up to the limit in small blocks: give those pages back now, before
    // the page that shows the text as plain text (a few large strings) is made.
#if defined(__GLIBC__)
    if (given_up_) malloc_trim(0);
#endif
}

cmark_mem* ParseMemory::mem() { return &g_mem; }

void* ParseMemory::allocate(size_t size) {
    if (armed_ && held_ + footprint(size) > limit_) std::longjmp(escape_, 1);
    auto* b = static_cast<Block*>(std::malloc(sizeof(Block) + size));
    if (!b) std::abort();  // as cmark-gfm's own allocator does
    b->size = size;
    b->previous = head_;
    b->next = head_->next;
    head_->next->previous = b;
    head_->next = b;
    held_ += footprint(size);
    if (held_ > peak_) peak_ = held_;
    return b + 1;
}

void* ParseMemory::reallocate(void* p, size_t size) {
    if (!p) return allocate(size);
    Block* b = static_cast<Block*>(p) - 1;
    if (armed_ && size > b->size && held_ + footprint(size) - footprint(b->size) > limit_) std::longjmp(escape_, 1);
    Block* previous = b->previous;
    Block* next = b->next;
    const size_t old = b->size;
    auto* moved = static_cast<Block*>(std::realloc(b, sizeof(Block) + size));
    if (!moved) std::abort();
    moved->size = size;
    previous->next = moved;
    next->previous = moved;
    held_ = held_ - footprint(old) + footprint(size);
    if (held_ > peak_) peak_ = held_;
    return moved + 1;
}

void ParseMemory::release(void* p) {
    if (!p) return;
    Block* b = static_cast<Block*>(p) - 1;
    b->previous->next = b->next;
    b->next->previous = b->previous;
    held_ -= footprint(b->size);
    std::free(b);
}

// No object with a destructor lives between the setjmp and a longjmp from `allocate`: only
// cmark-gfm's C frames.
cmark_node* ParseMemory::parse(cmark_parser* parser, std::string_view source) {
    if (setjmp(escape_) != 0) {
        armed_ = false;
        given_up_ = true;
        return nullptr;
    }
    armed_ = true;
    cmark_parser_feed(parser, source.data(), source.size());
    cmark_node* doc = cmark_parser_finish(parser);
    armed_ = false;
    return doc;
}

}  // namespace samplan::render
