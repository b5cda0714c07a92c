// build/up_to_date.h — whether `samplan build` would write exactly the site that is already there.
// A stamp beside the output (in .samplan-cache/) records a digest of everything a build reads —
// every content and theme file's size, times and inode, the repository's head, tags and .mailmap,
// the options and samplan itself — and of the output folder as it was written. When both still
// match, the build is skipped: a no-change rebuild costs a walk over the file names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "content/source.h"
#include "publish/publish.h"

namespace samplan::build {

struct Inputs {
    std::uint64_t digest = 0;
    bool settled = true;  // false when a file changed in the last seconds (its time may not tell a change)
};

// `options` is any text that changes the site (today's date, --drafts, …). Hidden files and
// folders, node_modules and the output folder (should it be inside) are not inputs. `snapshot`,
// when given, gets what the walk of the content folder saw, for the build's disk source
// (content::make_disk_source), which then looks at no file again.
Inputs read_inputs(const std::string& content_dir, const std::string& themes_dir, const std::string& output_dir,
                   const std::string& options, content::DiskSnapshot* snapshot = nullptr);

// A digest of the output folder as it is (every file's size, inode and modification time); 0 when
// it is missing. Independent of read_inputs: the two may run at the same time.
std::uint64_t output_state(const std::string& output_dir);
// The same digest, of the output folder that a build just made: from what its Output recorded
// (`inode` and `made`), with only what others added at the top (Pagefind) read from the disk.
std::uint64_t output_state(const std::string& output_dir, std::int64_t inode, std::vector<publish::Made> made);
// The same, from what `output` made (Output::for_each_made), once it is committed.
std::uint64_t output_state(const std::string& output_dir, const publish::Output& output);

// The report of the build the stamp was written for, when the inputs and the output folder
// (`output`, from output_state) are as they were then; false otherwise (and when there is no stamp).
bool up_to_date(const std::string& stamp_file, const Inputs& inputs, std::uint64_t output, std::string& report);

// Whether the stamp was written for these very inputs (its first line): when not, up_to_date is
// false whatever the output folder holds, and its digest need not be waited for.
bool stamped_inputs(const std::string& stamp_file, const Inputs& inputs);

// Records a successful build whose output folder has the digest `output`. Without settled inputs,
// removes the stamp instead.
void write_stamp(const std::string& stamp_file, const Inputs& inputs, std::uint64_t output, const std::string& report);

}  // namespace samplan::build
