// The event store on a disk that fills up (a small tmpfs, so the test needs root to mount it and
// is skipped otherwise): the append that does not fit is RESOURCE_EXHAUSTED saying so, the store
// refuses further appends instead of guessing, every acknowledged event is still there after a
// restart with space freed, and appends go on.
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::eventstore {
namespace {

using ::testing::HasSubstr;

// A tmpfs of `megabytes` at `path` for the life of the object.
class SmallDisk {
 public:
  SmallDisk(const std::string& path, int megabytes) : path_(path) {
    mkdir(path.c_str(), 0700);
    const std::string options = absl::StrCat("size=", megabytes, "m");
    mounted_ = mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

std::string RandomText(absl::BitGen& bits, size_t size) {
  std::string text(size, ' ');
  for (char& c : text) c = static_cast<char>(absl::Uniform<int>(bits, 32, 127));
  return text;  // incompressible enough that the disk really fills
}

TEST(EventStoreDiskFullTest, AFullDiskIsResourceExhaustedAndNothingAcknowledgedIsLost) {
  sales::testing::TempDir dir;
  const std::string mount_point = dir.path() + "/small";
  SmallDisk disk(mount_point, 16);
  if (!disk.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root: " << disk.error();
  // Freed later, as an operator would; large enough that the restart can turn the log into
  // tables (the unflushed log is rewritten once).
  const std::string filler = mount_point + "/filler";
  std::ofstream(filler) << std::string(9 << 20, 'x');
  const std::string path = mount_point + "/events";

  absl::BitGen bits;
  std::vector<std::string> acknowledged;
  absl::Status refused;
  {
    auto store = EventStore::Open({.path = path, .service = "test"});
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 2'000 && refused.ok(); ++i) {
      std::string text = RandomText(bits, 32 << 10);
      AppendRequest request{.stream_id = absl::StrCat("s-", i % 7)};
      request.events.push_back(sales::testing::TextEvent(text));
      absl::StatusOr<AppendResult> appended = (*store)->Append(std::move(request));
      if (appended.ok()) {
        acknowledged.push_back(std::move(text));
      } else {
        refused = appended.status();
      }
    }
    ASSERT_FALSE(refused.ok()) << "16 MiB never filled up";
    EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
    EXPECT_THAT(refused.message(), HasSubstr("disk full"));
    AppendRequest again{.stream_id = "s-0"};
    again.events.push_back(sales::testing::TextEvent("later"));
    EXPECT_EQ((*store)->Append(std::move(again)).status().code(),
              absl::StatusCode::kResourceExhausted)
        << "the store refuses appends once one failed";
    auto read = (*store)->ReadAll(1, acknowledged.size() + 10);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->size(), acknowledged.size()) << "reads go on, without the refused append";
  }
  ASSERT_GT(acknowledged.size(), 10u);

  std::remove(filler.c_str());
  auto store = EventStore::Open({.path = path, .service = "test"});
  ASSERT_TRUE(store.ok()) << store.status();
  auto read = (*store)->ReadAll(1, acknowledged.size() + 10);
  ASSERT_TRUE(read.ok()) << read.status();
  // The refused append is absent or, if its write reached the log before the error, whole.
  ASSERT_GE(read->size(), acknowledged.size());
  ASSERT_LE(read->size(), acknowledged.size() + 1);
  for (size_t i = 0; i < acknowledged.size(); ++i) {
    ASSERT_EQ(sales::testing::TextOf((*read)[i]), acknowledged[i]) << "position " << i + 1;
  }
  AppendRequest after{.stream_id = "s-0"};
  after.events.push_back(sales::testing::TextEvent("after space was freed"));
  EXPECT_TRUE((*store)->Append(std::move(after)).ok());
}

}  // namespace
}  // namespace sales::eventstore
