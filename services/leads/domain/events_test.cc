// The envelope carries the concrete event message and the app maps its type name back to a
// wrapper oneof field by descriptor: every event message must be in exactly one wrapper.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sales/leads/v1/events.pb.h"

namespace sales::leads {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FileDescriptor;

TEST(EventsTest, EveryEventMessageIsInExactlyOneWrapperOneof) {
  std::map<std::string, int> uses;
  const std::vector<const Descriptor*> wrappers = {v1::LeadEvent::descriptor(),
                                                   v1::SettingsEvent::descriptor(),
                                                   v1::DedupeKeyEvent::descriptor()};
  for (const Descriptor* wrapper : wrappers) {
    ASSERT_EQ(wrapper->oneof_decl_count(), 1);
    ASSERT_EQ(wrapper->field_count(), wrapper->oneof_decl(0)->field_count());
    for (int i = 0; i < wrapper->field_count(); ++i) {
      ASSERT_NE(wrapper->field(i)->message_type(), nullptr);
      ++uses[wrapper->field(i)->message_type()->full_name()];
    }
  }
  const FileDescriptor* file = v1::LeadEvent::descriptor()->file();
  int events = 0;
  for (int i = 0; i < file->message_type_count(); ++i) {
    const Descriptor* message = file->message_type(i);
    if (std::find(wrappers.begin(), wrappers.end(), message) != wrappers.end()) continue;
    ++events;
    EXPECT_EQ(uses[message->full_name()], 1) << message->full_name();
  }
  EXPECT_EQ(static_cast<int>(uses.size()), events);  // nothing from outside events.proto
  EXPECT_EQ(events, 21);
}

}  // namespace
}  // namespace sales::leads
