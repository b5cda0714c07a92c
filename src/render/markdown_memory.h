// render/markdown_memory.h — bounds the memory cmark-gfm holds for one text (issue 18, finding
// 5). cmark-gfm makes a node for each character of some shapes (`<<<<`, `[[[[`, `a!a!`, `&&&&`)
// before it merges them into one text: a megabyte of them held 170–210 MB at the peak. Internal
// to render.
#pragma once

#include <cmark-gfm.h>

#include <csetjmp>
#include <cstddef>
#include <string_view>

namespace samplan::render {

// The memory of one parse: every block cmark-gfm allocates through `mem()` is counted and kept in
// a list, and freed when this object ends (whatever cmark-gfm did not free itself). Used on the
// thread that made it only.
class ParseMemory {
public:
    explicit ParseMemory(size_t limit);
    ~ParseMemory();
    ParseMemory(const ParseMemory&) = delete;
    ParseMemory& operator=(const ParseMemory&) = delete;

    // The allocator to make the parser with (cmark_parser_new_with_mem).
    cmark_mem* mem();
    // Feeds `source` to `parser` and finishes it: the document, or nullptr when the parse would
    // hold more than the limit at once. Then the parser is given up half way: the caller must
    // not use or free it (nor anything made with `mem()`); its memory is freed with this object.
    cmark_node* parse(cmark_parser* parser, std::string_view source);
    // The most held at once so far, in bytes.
    [[nodiscard]] size_t peak() const { return peak_; }

    struct Block;  // the header of each block
    void* allocate(size_t size);
    void* reallocate(void* p, size_t size);
    void release(void* p);

private:
    Block* head_;  // a ring of the blocks held, through a header of its own
    size_t limit_, held_ = 0, peak_ = 0;
    bool armed_ = false, given_up_ = false;
    ParseMemory* previous_;
    std::jmp_buf escape_;
};

}  // namespace samplan::render
