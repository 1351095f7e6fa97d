#include "worker/intake.h"

#include "gtest/gtest.h"
#include "tests/worker/fake_journal.h"

namespace telegate::worker {
namespace {

using testing::FakeJournal;

struct IntakeRig {
  FakeJournal journal;
  ChatScheduler scheduler;
  WorkerStats stats;
  Intake intake{&journal, &scheduler, &stats, 3};

  SubmitResult Submit(int64_t id, const std::string& chat = "c:1") {
    std::optional<SubmitResult> result;
    intake.Submit(id, chat, "{}", [&](SubmitResult r) { result = r; });
    EXPECT_TRUE(result.has_value());  // the fake journal commits at once
    return *result;
  }
};

TEST(IntakeTest, AcceptsJournalsAndQueues) {
  IntakeRig rig;
  EXPECT_EQ(rig.Submit(1), SubmitResult::kAccepted);
  EXPECT_EQ(rig.scheduler.size(), 1);
  EXPECT_EQ(rig.stats.accepted.load(), 1);
}

TEST(IntakeTest, DuplicateIsNotQueued) {
  IntakeRig rig;
  EXPECT_EQ(rig.Submit(1), SubmitResult::kAccepted);
  EXPECT_EQ(rig.Submit(1, "c:2"), SubmitResult::kDuplicate);
  EXPECT_EQ(rig.scheduler.size(), 1);
  EXPECT_EQ(rig.stats.duplicate.load(), 1);
}

TEST(IntakeTest, LimitAnswersOverloadedAndFreesUpAgain) {
  IntakeRig rig;
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(rig.Submit(i), SubmitResult::kAccepted);
  EXPECT_EQ(rig.Submit(4), SubmitResult::kOverloaded);
  EXPECT_EQ(rig.stats.overloaded.load(), 1);
  Job* job = rig.scheduler.Next(absl::Now());
  ASSERT_NE(job, nullptr);
  rig.scheduler.Complete(job);
  EXPECT_EQ(rig.Submit(4), SubmitResult::kAccepted);
}

TEST(IntakeTest, JournalFailureIsNeitherAcceptedNorQueued) {
  IntakeRig rig;
  rig.journal.FailAppends(absl::UnavailableError("disk is busy"));
  EXPECT_EQ(rig.Submit(1), SubmitResult::kJournalError);
  EXPECT_EQ(rig.scheduler.size(), 0);
  EXPECT_EQ(rig.intake.in_flight(), 0);
}

TEST(IntakeTest, StoppedIntakeRefuses) {
  IntakeRig rig;
  rig.intake.Stop();
  EXPECT_EQ(rig.Submit(1), SubmitResult::kStopping);
}

TEST(IntakeTest, ReplayQueuesUnfinishedInAcceptanceOrder) {
  IntakeRig rig;
  EXPECT_EQ(rig.Submit(30, "c:1"), SubmitResult::kAccepted);
  EXPECT_EQ(rig.Submit(10, "c:1"), SubmitResult::kAccepted);
  rig.journal.MarkDone(30);
  ChatScheduler fresh;
  WorkerStats stats;
  Intake restarted(&rig.journal, &fresh, &stats, 100);
  ASSERT_TRUE(restarted.Replay().ok());
  EXPECT_EQ(stats.replayed.load(), 1);
  Job* job = fresh.Next(absl::Now());
  ASSERT_NE(job, nullptr);
  EXPECT_EQ(job->update_id, 10);
}

}  // namespace
}  // namespace telegate::worker
