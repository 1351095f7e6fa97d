// PostgresJournal against a real PostgreSQL 15 started for the suite
// (testing/postgres_server.h), a fresh database per test: the behaviours of
// tests/worker/journal_test.cc for SQLite, plus the database going away,
// two journals migrating one database at once and two bots in one database.
#include "worker/postgres/postgres_journal.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "testing/loopback_servers.h"
#include "testing/postgres_server.h"
#include "worker/postgres/pg_connection.h"
#include "worker/postgres/postgres_migrations.h"

namespace telegate::worker::postgres {
namespace {

using ::telegate::testing::PostgresServer;

JournalEntry Entry(int64_t update_id, std::string payload = "{}") {
  JournalEntry entry;
  entry.update_id = update_id;
  entry.chat_key = absl::StrCat("chat-", update_id % 3);
  entry.payload = std::move(payload);
  return entry;
}

// What the append callbacks reported, in callback order.
struct Outcomes {
  absl::Mutex mu;
  std::vector<absl::StatusOr<AppendOutcome>> outcomes ABSL_GUARDED_BY(mu);
  std::vector<int64_t> seqs ABSL_GUARDED_BY(mu);

  AppendCallback Callback() {
    return [this](absl::StatusOr<AppendOutcome> outcome, int64_t seq) {
      absl::MutexLock lock(&mu);
      outcomes.push_back(std::move(outcome));
      seqs.push_back(seq);
    };
  }
};

class PostgresJournalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = PostgresServer::Create();
    if (!server.ok()) {
      setup_error_ = new std::string(server.status().ToString());
      return;
    }
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete setup_error_;
    setup_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << *setup_error_;
    static int next_database = 0;
    database_ = absl::StrCat("test_", ++next_database);
    ASSERT_TRUE(server_->Psql(absl::StrCat("CREATE DATABASE ", database_)).ok());
  }

  PostgresJournalOptions Options(int64_t bot_id = 1) {
    PostgresJournalOptions options;
    options.url = server_->Url(database_);
    options.bot_id = bot_id;
    options.clock = [this] {
      absl::MutexLock lock(&clock_mu_);
      return now_;
    };
    return options;
  }

  std::unique_ptr<PostgresJournal> Open(int64_t bot_id = 1) {
    auto journal = PostgresJournal::Open(Options(bot_id));
    EXPECT_TRUE(journal.ok()) << journal.status();
    return journal.ok() ? std::move(*journal) : nullptr;
  }

  void Advance(absl::Duration by) {
    absl::MutexLock lock(&clock_mu_);
    now_ += by;
  }

  static PostgresServer* server_;
  static std::string* setup_error_;
  std::string database_;
  absl::Mutex clock_mu_;
  absl::Time now_ ABSL_GUARDED_BY(clock_mu_) = absl::FromUnixSeconds(1'700'000'000);
};

PostgresServer* PostgresJournalTest::server_ = nullptr;
std::string* PostgresJournalTest::setup_error_ = nullptr;

TEST_F(PostgresJournalTest, AcceptsWithIncreasingSeq) {
  auto journal = Open();
  ASSERT_NE(journal, nullptr);
  Outcomes got;
  for (int64_t id = 10; id < 15; ++id) journal->Append(Entry(id), got.Callback());
  journal->Flush();
  absl::MutexLock lock(&got.mu);
  ASSERT_EQ(got.outcomes.size(), 5u);
  for (size_t i = 0; i < got.outcomes.size(); ++i) {
    ASSERT_TRUE(got.outcomes[i].ok()) << got.outcomes[i].status();
    EXPECT_EQ(*got.outcomes[i], AppendOutcome::kAccepted);
    if (i > 0) EXPECT_GT(got.seqs[i], got.seqs[i - 1]);
  }
  EXPECT_GE(journal->commits(), 1);
}

TEST_F(PostgresJournalTest, DuplicateWithinOneBatchAndAcrossReopen) {
  {
    auto journal = Open();
    ASSERT_NE(journal, nullptr);
    Outcomes got;
    journal->Append(Entry(7), got.Callback());
    journal->Append(Entry(7), got.Callback());
    journal->Flush();
    absl::MutexLock lock(&got.mu);
    ASSERT_EQ(got.outcomes.size(), 2u);
    EXPECT_EQ(*got.outcomes[0], AppendOutcome::kAccepted);
    EXPECT_EQ(*got.outcomes[1], AppendOutcome::kDuplicate);
  }
  auto journal = Open();
  ASSERT_NE(journal, nullptr);
  Outcomes got;
  journal->Append(Entry(7), got.Callback());
  journal->Flush();
  absl::MutexLock lock(&got.mu);
  ASSERT_EQ(got.outcomes.size(), 1u);
  EXPECT_EQ(*got.outcomes[0], AppendOutcome::kDuplicate);
}

TEST_F(PostgresJournalTest, LoadUnfinishedAfterReopenInOrderWithDecision) {
  const std::string binary("{\"a\":1}\0\xff\x01", 10);
  {
    auto journal = Open();
    ASSERT_NE(journal, nullptr);
    journal->Append(Entry(30, binary), nullptr);
    journal->Append(Entry(20), nullptr);
    journal->Append(Entry(40), nullptr);
    absl::Status decided = absl::UnknownError("not called");
    journal->RecordDecision(20, R"([{"method":"sendMessage"}])",
                            [&decided](absl::Status status) {
                              decided = status;  // before Flush returns
                            });
    journal->MarkDone(40);
    journal->Flush();
    EXPECT_TRUE(decided.ok()) << decided;
  }
  auto journal = Open();
  ASSERT_NE(journal, nullptr);
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok()) << unfinished.status();
  ASSERT_EQ(unfinished->size(), 2u);
  EXPECT_EQ((*unfinished)[0].update_id, 30);
  EXPECT_EQ((*unfinished)[0].payload, binary);
  EXPECT_EQ((*unfinished)[0].chat_key, "chat-0");
  EXPECT_EQ((*unfinished)[0].decision_json, "");
  EXPECT_EQ((*unfinished)[0].accepted_at_us,
            absl::ToUnixMicros(absl::FromUnixSeconds(1'700'000'000)));
  EXPECT_EQ((*unfinished)[1].update_id, 20);
  EXPECT_EQ((*unfinished)[1].decision_json, R"([{"method":"sendMessage"}])");
  EXPECT_LT((*unfinished)[0].seq, (*unfinished)[1].seq);
}

TEST_F(PostgresJournalTest, MarkDoneRemovesFromUnfinishedButStaysDuplicate) {
  auto journal = Open();
  ASSERT_NE(journal, nullptr);
  journal->Append(Entry(1), nullptr);
  journal->Append(Entry(2), nullptr);
  journal->MarkDone(1);
  journal->MarkDone(99);  // unknown: ignored
  journal->Flush();
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok()) << unfinished.status();
  ASSERT_EQ(unfinished->size(), 1u);
  EXPECT_EQ((*unfinished)[0].update_id, 2);
  Outcomes got;
  journal->Append(Entry(1), got.Callback());
  journal->Flush();
  absl::MutexLock lock(&got.mu);
  EXPECT_EQ(*got.outcomes.at(0), AppendOutcome::kDuplicate);
}

TEST_F(PostgresJournalTest, PrunesDoneRowsOlderThanRetention) {
  PostgresJournalOptions options = Options();
  options.retention = absl::Hours(1);
  options.prune_interval = absl::Minutes(1);
  options.prune_batch = 2;  // several pruning transactions
  auto journal = PostgresJournal::Open(options);
  ASSERT_TRUE(journal.ok()) << journal.status();
  for (int64_t id = 1; id <= 5; ++id) {
    (*journal)->Append(Entry(id), nullptr);
    (*journal)->MarkDone(id);
  }
  (*journal)->Append(Entry(6), nullptr);  // never done: kept
  (*journal)->Flush();
  Advance(absl::Hours(2));
  (*journal)->Append(Entry(7), nullptr);  // a batch, then the prune
  (*journal)->Flush();
  Outcomes got;
  (*journal)->Append(Entry(1), got.Callback());  // pruned: new again
  (*journal)->Append(Entry(6), got.Callback());
  (*journal)->Flush();
  absl::MutexLock lock(&got.mu);
  EXPECT_EQ(*got.outcomes.at(0), AppendOutcome::kAccepted);
  EXPECT_EQ(*got.outcomes.at(1), AppendOutcome::kDuplicate);
}

TEST_F(PostgresJournalTest, FailedDeliveriesAddListTakeWithKind) {
  auto journal = Open();
  ASSERT_NE(journal, nullptr);
  FailedDelivery call;
  call.update_id = 5;
  call.chat_key = "chat-5";
  call.method = "sendMessage";
  call.params_json = R"({"chat_id":5,"text":"héllo"})";
  call.error_code = 403;
  call.reason = "Forbidden: bot was blocked by the user";
  FailedDelivery refused;
  refused.kind = FailedKind::kUpstreamUpdate;
  refused.update_id = 6;
  refused.chat_key = "chat-6";
  refused.params_json = R"({"update_id":6})";
  refused.error_code = 500;
  refused.reason = "upstream answered 500";
  auto first = journal->AddFailedDelivery(call);
  auto second = journal->AddFailedDelivery(refused);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_GT(*second, *first);

  auto list = journal->ListFailedDeliveries(10);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *second);  // newest first
  EXPECT_EQ((*list)[0].kind, FailedKind::kUpstreamUpdate);
  EXPECT_EQ((*list)[0].method, "");
  EXPECT_EQ((*list)[1].kind, FailedKind::kBotApiCall);
  EXPECT_EQ((*list)[1].params_json, call.params_json);
  EXPECT_EQ((*list)[1].error_code, 403);
  EXPECT_EQ((*list)[1].failed_at_us,
            absl::ToUnixMicros(absl::FromUnixSeconds(1'700'000'000)));
  ASSERT_EQ(journal->ListFailedDeliveries(1)->size(), 1u);
  EXPECT_TRUE(journal->ListFailedDeliveries(0)->empty());
  EXPECT_EQ(journal->ListFailedDeliveries(-1).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto taken = journal->TakeFailedDelivery(*first);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->reason, call.reason);
  EXPECT_EQ(taken->chat_key, "chat-5");
  EXPECT_EQ(journal->TakeFailedDelivery(*first).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(journal->ListFailedDeliveries(10)->size(), 1u);
}

TEST_F(PostgresJournalTest, FailedCommitReportsEveryCallbackThenRecovers) {
  auto journal = Open();
  ASSERT_NE(journal, nullptr);
  journal->Append(Entry(1), nullptr);
  journal->Flush();
  ASSERT_TRUE(server_->Stop().ok());

  Outcomes got;
  absl::Status decided;
  for (int64_t id = 2; id <= 4; ++id) journal->Append(Entry(id), got.Callback());
  journal->RecordDecision(1, "[]", [&decided](absl::Status s) { decided = s; });
  journal->Flush();
  {
    absl::MutexLock lock(&got.mu);
    ASSERT_EQ(got.outcomes.size(), 3u);
    for (const auto& outcome : got.outcomes) {
      EXPECT_EQ(outcome.status().code(), absl::StatusCode::kUnavailable)
          << outcome.status();
    }
    got.outcomes.clear();
  }
  EXPECT_EQ(decided.code(), absl::StatusCode::kUnavailable) << decided;
  EXPECT_FALSE(journal->LoadUnfinished().ok());

  ASSERT_TRUE(server_->Start().ok());
  journal->Append(Entry(2), got.Callback());
  journal->Flush();
  {
    absl::MutexLock lock(&got.mu);
    ASSERT_EQ(got.outcomes.size(), 1u);
    ASSERT_TRUE(got.outcomes[0].ok()) << got.outcomes[0].status();
    EXPECT_EQ(*got.outcomes[0], AppendOutcome::kAccepted);
  }
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok()) << unfinished.status();
  EXPECT_EQ(unfinished->size(), 2u);  // 1 and 2; 3 and 4 never committed
}

TEST_F(PostgresJournalTest, TwoJournalsMigrateOneEmptyDatabaseAtOnce) {
  absl::StatusOr<std::unique_ptr<PostgresJournal>> opened[2] = {
      absl::UnknownError("not run"), absl::UnknownError("not run")};
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread(
        [this, i, &opened] { opened[i] = PostgresJournal::Open(Options(i + 1)); });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(opened[0].ok()) << opened[0].status();
  ASSERT_TRUE(opened[1].ok()) << opened[1].status();
  auto conn = PgConnection::Connect(server_->Url(database_));
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto version = PostgresSchemaVersion(**conn);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, LatestPostgresSchemaVersion());
  auto rows = (*conn)->Exec("SELECT count(*) FROM telegate_schema");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)->Int(0, 0), LatestPostgresSchemaVersion());
}

TEST_F(PostgresJournalTest, TwoBotsInOneDatabaseDoNotSeeEachOther) {
  auto first = Open(/*bot_id=*/100);
  auto second = Open(/*bot_id=*/200);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  Outcomes got;
  first->Append(Entry(5), got.Callback());
  first->Flush();
  second->Append(Entry(5), got.Callback());
  second->Flush();
  ASSERT_TRUE(first->AddFailedDelivery(FailedDelivery{}).ok());
  {
    absl::MutexLock lock(&got.mu);
    ASSERT_EQ(got.outcomes.size(), 2u);
    EXPECT_EQ(*got.outcomes[0], AppendOutcome::kAccepted);
    EXPECT_EQ(*got.outcomes[1], AppendOutcome::kAccepted);
  }
  second->MarkDone(5);
  second->Flush();
  EXPECT_EQ(first->LoadUnfinished()->size(), 1u);
  EXPECT_TRUE(second->LoadUnfinished()->empty());
  EXPECT_EQ(first->ListFailedDeliveries(10)->size(), 1u);
  EXPECT_TRUE(second->ListFailedDeliveries(10)->empty());
}

TEST_F(PostgresJournalTest, OpenFailureNamesHostPortButNoPassword) {
  const int port = telegate::testing::UnusedPort();
  PostgresJournalOptions options = Options();
  options.url =
      absl::StrCat("postgresql://bot:s3cret-pw@127.0.0.1:", port, "/journal");
  auto journal = PostgresJournal::Open(options);
  ASSERT_FALSE(journal.ok());
  EXPECT_EQ(journal.status().code(), absl::StatusCode::kUnavailable);
  const std::string message(journal.status().message());
  EXPECT_TRUE(absl::StrContains(message, absl::StrCat("127.0.0.1:", port)))
      << message;
  EXPECT_FALSE(absl::StrContains(message, "s3cret-pw")) << message;
  EXPECT_FALSE(absl::StrContains(message, "bot:")) << message;
}

TEST(PostgresServerTest, MissingBinariesAreAClearError) {
  auto server = PostgresServer::Create("/nonexistent/postgresql/bin");
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(server.status().message(),
                                "/nonexistent/postgresql/bin/initdb"))
      << server.status();
}

TEST(UrlTargetTest, StripsUserInfoAndQuery) {
  EXPECT_EQ(UrlTarget("postgresql://u:pw@db.internal:6432/telegate?sslmode=require"),
            "db.internal:6432/telegate");
  EXPECT_EQ(UrlTarget("postgres://db/telegate"), "db:5432/telegate");
  EXPECT_EQ(UrlTarget("postgresql://u@[::1]:5433/x"), "[::1]:5433/x");
  EXPECT_EQ(UrlTarget("host=db password=pw"), "(connection string)");
}

}  // namespace
}  // namespace telegate::worker::postgres
