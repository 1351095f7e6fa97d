// Versioned schema migrations of the journal: a database written by the
// release before versioning (its CREATE statements copied verbatim below)
// upgrades in place keeping its unfinished updates and failed deliveries;
// opening again changes nothing; two processes' worth of connections opening
// one old database at once both succeed; a database newer than the code is
// refused with one clear error and left untouched.
#include "worker/journal_migrations.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "worker/sqlite_journal.h"

namespace telegate::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The schema exactly as the release before versioned migrations created it
// (worker/sqlite_journal.cc's kSchema then); its databases have
// user_version 0.
constexpr char kReleasedSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS updates(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  update_id INTEGER NOT NULL UNIQUE,
  chat_key TEXT NOT NULL,
  payload BLOB NOT NULL,
  accepted_at_us INTEGER NOT NULL,
  done_at_us INTEGER);
-- No index on done_at_us: marking an update done then rewrites one row
-- only. Replay (once at start) and pruning (every few minutes) scan the
-- table, which retention keeps bounded.
DROP INDEX IF EXISTS updates_by_done_at;
CREATE TABLE IF NOT EXISTS failed_deliveries(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  update_id INTEGER NOT NULL,
  chat_key TEXT NOT NULL,
  method TEXT NOT NULL,
  params_json TEXT NOT NULL,
  error_code INTEGER NOT NULL,
  reason TEXT NOT NULL,
  failed_at_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS failed_deliveries_by_failed_at
  ON failed_deliveries(failed_at_us);
)sql";

// A raw connection for building fixtures and inspecting results.
class Db {
 public:
  explicit Db(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() { return db_; }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "") << "\n" << sql;
  }
  // The first column of the first row, as text ("" when no row).
  std::string Query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out = text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class JournalMigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "journal_migrations_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    now_us_ = absl::ToUnixMicros(absl::Now());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string DbPath() const { return dir_ + "/journal.db"; }

  // A database as the released worker left it: WAL, user_version 0, two
  // unfinished updates, one done long ago, two failed deliveries.
  void WriteReleasedDatabase() {
    Db db(DbPath());
    db.Exec("PRAGMA journal_mode=WAL");
    db.Exec(kReleasedSchema);
    db.Exec(absl::StrCat(
        "INSERT INTO updates(update_id, chat_key, payload, accepted_at_us, "
        "done_at_us) VALUES"
        "(101, 'chat:1', '{\"update_id\":101}', ", now_us_, ", NULL),"
        "(100, 'chat:2', '{\"update_id\":100}', 1, 2),"
        "(102, 'chat:1', '{\"update_id\":102}', ", now_us_ + 1, ", NULL)"));
    db.Exec(absl::StrCat(
        "INSERT INTO failed_deliveries(update_id, chat_key, method, "
        "params_json, error_code, reason, failed_at_us) VALUES"
        "(90, 'chat:1', 'sendMessage', '{\"chat_id\":1}', 403, "
        "'Forbidden: bot was blocked by the user', ", now_us_, "),"
        "(91, 'chat:3', 'sendPhoto', '{\"chat_id\":3}', 0, 'network error', ",
        now_us_ + 1, ")"));
    EXPECT_EQ(db.Query("PRAGMA user_version"), "0");
  }

  absl::StatusOr<std::unique_ptr<SqliteJournal>> Open() {
    SqliteJournalOptions options;
    options.path = DbPath();
    options.synchronous = "NORMAL";
    return SqliteJournal::Open(std::move(options));
  }

  std::string dir_;
  int64_t now_us_ = 0;
};

std::vector<int64_t> UpdateIds(const std::vector<JournalEntry>& entries) {
  std::vector<int64_t> ids;
  for (const JournalEntry& e : entries) ids.push_back(e.update_id);
  return ids;
}

TEST(JournalMigrationListTest, VersionsCountUpFromOne) {
  const std::vector<JournalMigration>& list = JournalMigrations();
  ASSERT_FALSE(list.empty());
  for (size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].version, static_cast<int>(i) + 1);
    EXPECT_NE(std::string(list[i].what), "");
  }
  EXPECT_EQ(LatestJournalSchemaVersion(), list.back().version);
}

TEST_F(JournalMigrationsTest, AReleasedDatabaseUpgradesInPlace) {
  WriteReleasedDatabase();
  {
    auto journal = Open();
    ASSERT_TRUE(journal.ok()) << journal.status();
    auto unfinished = (*journal)->LoadUnfinished();
    ASSERT_TRUE(unfinished.ok()) << unfinished.status();
    EXPECT_THAT(UpdateIds(*unfinished), ElementsAre(101, 102));
    EXPECT_EQ((*unfinished)[0].payload, "{\"update_id\":101}");
    EXPECT_EQ((*unfinished)[0].chat_key, "chat:1");
    auto failed = (*journal)->ListFailedDeliveries(10);
    ASSERT_TRUE(failed.ok()) << failed.status();
    ASSERT_EQ(failed->size(), 2u);
    EXPECT_EQ((*failed)[0].update_id, 91);
    EXPECT_EQ((*failed)[0].method, "sendPhoto");
    EXPECT_EQ((*failed)[1].error_code, 403);
    EXPECT_EQ((*failed)[1].reason, "Forbidden: bot was blocked by the user");
    // The old rows still deduplicate and the table still takes new ones.
    auto added = (*journal)->AddFailedDelivery(
        {.update_id = 102, .chat_key = "chat:1", .method = "sendMessage",
         .params_json = "{}", .error_code = 400, .reason = "Bad Request"});
    ASSERT_TRUE(added.ok()) << added.status();
    auto taken = (*journal)->TakeFailedDelivery((*failed)[1].id);
    ASSERT_TRUE(taken.ok()) << taken.status();
    EXPECT_EQ(taken->update_id, 90);
  }
  Db db(DbPath());
  EXPECT_EQ(db.Query("PRAGMA user_version"),
            std::to_string(LatestJournalSchemaVersion()));
  // Version 2's columns, with their defaults on the rows written before.
  EXPECT_EQ(db.Query("SELECT group_concat(kind) FROM failed_deliveries"),
            "bot_api_call,bot_api_call");
  EXPECT_EQ(db.Query("SELECT count(*) FROM failed_deliveries "
                     "WHERE retry_of IS NULL"),
            "2");
  EXPECT_EQ(db.Query("SELECT count(*) FROM updates WHERE update_id = 101"),
            "1");
  // Version 3's column: no decision on the rows written before.
  EXPECT_EQ(db.Query("SELECT count(*) FROM updates WHERE decision IS NULL"),
            "2");
}

TEST_F(JournalMigrationsTest, OpeningAgainChangesNothing) {
  WriteReleasedDatabase();
  for (int i = 0; i < 3; ++i) {
    auto journal = Open();
    ASSERT_TRUE(journal.ok()) << i << ": " << journal.status();
    auto unfinished = (*journal)->LoadUnfinished();
    ASSERT_TRUE(unfinished.ok());
    EXPECT_THAT(UpdateIds(*unfinished), ElementsAre(101, 102));
    auto failed = (*journal)->ListFailedDeliveries(10);
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed->size(), 2u);
  }
  Db db(DbPath());
  EXPECT_EQ(db.Query("PRAGMA user_version"),
            std::to_string(LatestJournalSchemaVersion()));
  ASSERT_TRUE(ApplyJournalMigrations(db.get()).ok());
  EXPECT_EQ(db.Query("PRAGMA user_version"),
            std::to_string(LatestJournalSchemaVersion()));
}

TEST_F(JournalMigrationsTest, ANewDatabaseStartsAtTheNewestVersion) {
  auto journal = Open();
  ASSERT_TRUE(journal.ok()) << journal.status();
  journal->reset();
  Db db(DbPath());
  EXPECT_EQ(db.Query("PRAGMA user_version"),
            std::to_string(LatestJournalSchemaVersion()));
  EXPECT_EQ(db.Query("SELECT count(*) FROM pragma_table_info("
                     "'failed_deliveries') WHERE name IN ('kind','retry_of')"),
            "2");
}

// Each migration runs under BEGIN IMMEDIATE and re-reads the version: two
// connections upgrading one database at once apply every migration once (a
// second ALTER TABLE ADD COLUMN would fail with "duplicate column").
TEST_F(JournalMigrationsTest, TwoOpenersAtOnceBothSucceed) {
  WriteReleasedDatabase();
  for (int round = 0; round < 5; ++round) {
    if (round > 0) {
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      WriteReleasedDatabase();
    }
    absl::Status first, second;
    std::unique_ptr<SqliteJournal> a, b;
    std::thread other([&] {
      auto journal = Open();
      second = journal.status();
      if (journal.ok()) b = std::move(*journal);
    });
    auto journal = Open();
    first = journal.status();
    if (journal.ok()) a = std::move(*journal);
    other.join();
    ASSERT_TRUE(first.ok()) << round << ": " << first;
    ASSERT_TRUE(second.ok()) << round << ": " << second;
    auto unfinished = b->LoadUnfinished();
    ASSERT_TRUE(unfinished.ok());
    EXPECT_THAT(UpdateIds(*unfinished), ElementsAre(101, 102));
  }
  Db db(DbPath());
  EXPECT_EQ(db.Query("PRAGMA user_version"),
            std::to_string(LatestJournalSchemaVersion()));
}

TEST_F(JournalMigrationsTest, ADatabaseNewerThanTheCodeIsRefusedUntouched) {
  WriteReleasedDatabase();
  const int newer = LatestJournalSchemaVersion() + 1;
  {
    Db db(DbPath());
    db.Exec(absl::StrCat("PRAGMA user_version=", newer));
  }
  auto journal = Open();
  ASSERT_FALSE(journal.ok());
  EXPECT_EQ(journal.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(journal.status().message(),
              HasSubstr(absl::StrCat("schema version ", newer,
                                     " is newer than this worker's ",
                                     LatestJournalSchemaVersion())));
  EXPECT_THAT(journal.status().message(), HasSubstr(DbPath()));
  EXPECT_EQ(journal.status().message().find('\n'), std::string::npos);

  Db db(DbPath());
  EXPECT_EQ(db.Query("PRAGMA user_version"), std::to_string(newer));
  // Not migrated, and not pruned either (update 100 was done in 1970).
  EXPECT_EQ(db.Query("SELECT count(*) FROM pragma_table_info("
                     "'failed_deliveries') WHERE name = 'kind'"),
            "0");
  EXPECT_EQ(db.Query("SELECT count(*) FROM updates"), "3");
  EXPECT_EQ(db.Query("SELECT count(*) FROM failed_deliveries"), "2");
}

}  // namespace
}  // namespace telegate::worker
