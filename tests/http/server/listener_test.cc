// Listener over real loopback sockets: echo, HeadCheck, size limits,
// malformed input, the head/body/idle deadlines (slowloris), keep-alive,
// HTTP/1.0, the request cap per connection, pipelining, Expect:
// 100-continue, handler exceptions, clients that leave before the answer
// (Respond::OnAbandoned).
#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/http/server/listener_fixture.h"
#include "tests/worker/wait_until.h"

namespace telegate::http {
namespace {

using testing::RawClient;
using testing::WaitUntil;

TEST(ListenerTest, EchoesBodyToHttplibClient) {
  std::atomic<bool> saw_head{false};
  TestListener server(
      TestOptions(),
      [&](Request request, Respond respond) {
        EXPECT_EQ(request.method, "POST");
        EXPECT_EQ(request.path, "/hook");
        EXPECT_EQ(request.peer_ip, "127.0.0.1");
        const std::string* type = request.Header("content-type");
        EXPECT_TRUE(type != nullptr && *type == "application/json");
        respond(Echo(std::move(request)));
      },
      [&](const Request& head) -> std::optional<Response> {
        saw_head = head.body.empty() && head.path == "/hook";
        return std::nullopt;
      });
  httplib::Client client("127.0.0.1", server.port);
  client.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    auto res =
        client.Post("/hook?a=1", R"({"update_id":1})", "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, R"({"update_id":1})");
  }
  EXPECT_TRUE(saw_head);
  EXPECT_EQ(server.stats.requests, 3);
  EXPECT_EQ(server.stats.connections_accepted, 1);  // keep-alive
}

TEST(ListenerTest, HeadCheckAnswersWithoutReadingTheBody) {
  std::atomic<int> handled{0};
  TestListener server(
      TestOptions(),
      [&](Request r, Respond respond) {
        ++handled;
        respond(Echo(std::move(r)));
      },
      [](const Request& head) -> std::optional<Response> {
        if (head.Header("x-secret") == nullptr) {
          return JsonErrorResponse(401, "unauthorized");
        }
        return std::nullopt;
      });
  auto client = server.Connect();
  // The body never comes: the answer must not wait for it.
  client->Send(
      "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
  auto res = client->ReadResponse(absl::Seconds(3));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->body, R"({"ok":false,"error":"unauthorized"})");
  EXPECT_TRUE(client->WaitClosed());
  EXPECT_EQ(handled, 0);
}

TEST(ListenerTest, OversizedContentLengthGets413BeforeAnyBody) {
  TestListener server(TestOptions());
  auto client = server.Connect();
  client->Send(
      "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600"
      "\r\n\r\n");
  auto res = client->ReadResponse(absl::Seconds(3));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->body, R"({"ok":false,"error":"request body too large"})");
  EXPECT_TRUE(client->WaitClosed());
  EXPECT_EQ(server.stats.too_large, 1);
}

std::string Chunked(int chunks, int chunk_size) {
  std::string out =
      "POST /hook HTTP/1.1\r\nHost: x\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < chunks; ++i) {
    absl::StrAppend(&out, absl::Hex(chunk_size), "\r\n",
                    std::string(chunk_size, 'a' + i % 26), "\r\n");
  }
  return out + "0\r\n\r\n";
}

TEST(ListenerTest, ChunkedBodyWithinTheLimitIsAccepted) {
  ListenerOptions options = TestOptions();
  options.max_body_bytes = 1024;
  TestListener server(options);
  auto client = server.Connect();
  client->Send(Chunked(4, 200));
  auto res = client->ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body.size(), 800u);
}

TEST(ListenerTest, ChunkedBodyOverTheLimitGets413) {
  ListenerOptions options = TestOptions();
  options.max_body_bytes = 1024;
  TestListener server(options);
  auto client = server.Connect();
  client->Send(Chunked(10, 200));
  auto res = client->ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_TRUE(client->WaitClosed());
  EXPECT_EQ(server.stats.too_large, 1);
}

TEST(ListenerTest, MalformedRequestsGet400AndClose) {
  TestListener server(TestOptions());
  const char* inputs[] = {
      "GARBAGE\r\n\r\n",
      "POST /hook HTTP/1.1\r\nBad Header\r\n\r\n",
      "POST /hook HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
      "POST /hook HTTP/9.9\r\n\r\n",
      "POST /hook HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
  };
  for (const char* input : inputs) {
    auto client = server.Connect();
    client->Send(input);
    auto res = client->ReadResponse();
    ASSERT_TRUE(res) << input;
    EXPECT_EQ(res->status, 400) << input;
    EXPECT_EQ(res->body, kMalformedBody) << input;
    EXPECT_TRUE(client->WaitClosed()) << input;
  }
  EXPECT_EQ(server.stats.malformed, 5);
}

TEST(ListenerTest, OversizedHeadGets431) {
  ListenerOptions options = TestOptions();
  options.max_header_bytes = 1024;
  TestListener server(options);
  auto client = server.Connect();
  client->Send(
      PostRequest("{}", "/hook", "X-Big: " + std::string(4000, 'x') + "\r\n"));
  auto res = client->ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 431);
  EXPECT_TRUE(client->WaitClosed());
}

TEST(ListenerTest, SlowlorisIsCutAfterHeaderTimeout) {
  ListenerOptions options = TestOptions();
  options.header_timeout = absl::Seconds(1);
  TestListener server(options);
  auto client = server.Connect();
  std::atomic<bool> done{false};
  const absl::Time start = absl::Now();
  // Deliberately slow client: one header byte every 100 ms, never ending.
  std::thread trickler([&] {
    std::string head = "POST /hook HTTP/1.1\r\nX-Pad: " + std::string(500, 'a');
    for (char c : head) {
      if (done || !client->Send(std::string(1, c))) return;
      absl::SleepFor(absl::Milliseconds(100));
    }
  });
  std::string rest;
  bool closed = client->WaitClosed(absl::Seconds(8), &rest);
  absl::Duration elapsed = absl::Now() - start;
  done = true;
  trickler.join();
  EXPECT_TRUE(closed);
  EXPECT_GE(elapsed, absl::Milliseconds(900));
  EXPECT_LT(elapsed, absl::Seconds(4));
  EXPECT_EQ(server.stats.header_timeouts, 1);
  if (!rest.empty()) EXPECT_EQ(rest.substr(0, 12), "HTTP/1.1 408");
}

TEST(ListenerTest, BodyTimeoutGets408) {
  ListenerOptions options = TestOptions();
  options.body_timeout = absl::Milliseconds(500);
  TestListener server(options);
  auto client = server.Connect();
  client->Send(
      "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  auto res = client->ReadResponse(absl::Seconds(5));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 408);
  EXPECT_TRUE(client->WaitClosed());
  EXPECT_EQ(server.stats.body_timeouts, 1);
}

TEST(ListenerTest, IdleKeepAliveConnectionIsClosedSilently) {
  ListenerOptions options = TestOptions();
  options.idle_timeout = absl::Milliseconds(300);
  TestListener server(options);
  auto client = server.Connect();
  client->Send(PostRequest("one"));
  auto res = client->ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "one");
  std::string rest;
  EXPECT_TRUE(client->WaitClosed(absl::Seconds(5), &rest));
  EXPECT_EQ(rest, "");
  EXPECT_EQ(server.stats.idle_timeouts, 1);
}

TEST(ListenerTest, Http10AndConnectionCloseEndTheConnection) {
  TestListener server(TestOptions());
  {
    auto client = server.Connect();
    client->Send("POST /hook HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi");
    auto res = client->ReadResponse();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "hi");
    EXPECT_EQ(res->head.substr(0, 8), "http/1.0");
    EXPECT_TRUE(client->WaitClosed());
  }
  {
    auto client = server.Connect();
    client->Send(PostRequest("bye", "/hook", "Connection: close\r\n"));
    auto res = client->ReadResponse();
    ASSERT_TRUE(res);
    EXPECT_NE(res->head.find("connection: close"), std::string::npos);
    EXPECT_TRUE(client->WaitClosed());
  }
  {
    auto client = server.Connect();
    client->Send(
        "POST /hook HTTP/1.0\r\nConnection: keep-alive\r\n"
        "Content-Length: 1\r\n\r\nA");
    auto res = client->ReadResponse();
    ASSERT_TRUE(res);
    client->Send("POST /hook HTTP/1.0\r\nContent-Length: 1\r\n\r\nB");
    res = client->ReadResponse();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "B");
  }
}

TEST(ListenerTest, RequestCapPerConnectionClosesAfterTheLastAnswer) {
  ListenerOptions options = TestOptions();
  options.max_requests_per_connection = 2;
  TestListener server(options);
  for (int round = 0; round < 2; ++round) {  // the cap is per connection
    auto client = server.Connect();
    client->Send(PostRequest("one"));
    auto first = client->ReadResponse();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->body, "one");
    EXPECT_EQ(first->head.find("connection: close"), std::string::npos);
    client->Send(PostRequest("two"));
    auto second = client->ReadResponse();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->body, "two");
    EXPECT_NE(second->head.find("connection: close"), std::string::npos);
    EXPECT_TRUE(client->WaitClosed());
  }
  EXPECT_EQ(server.stats.requests, 4);
  EXPECT_EQ(server.stats.connections_accepted, 2);

  // 0, the default, is unlimited.
  TestListener unlimited(TestOptions());
  auto client = unlimited.Connect();
  for (int i = 0; i < 5; ++i) {
    client->Send(PostRequest("again"));
    auto res = client->ReadResponse();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->head.find("connection: close"), std::string::npos);
  }

  options.max_requests_per_connection = -1;
  Listener bad(options, nullptr, EchoHandler);
  EXPECT_EQ(bad.Start().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ListenerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestListener server(TestOptions());
  auto client = server.Connect();
  client->Send(PostRequest("first") + PostRequest("second") +
               PostRequest("third"));
  for (const char* expected : {"first", "second", "third"}) {
    auto res = client->ReadResponse();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, expected);
  }
}

TEST(ListenerTest, ExpectContinueGets100ThenTheAnswer) {
  TestListener server(TestOptions());
  auto client = server.Connect();
  client->Send(
      "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto interim = client->ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  client->Send("hello");
  auto res = client->ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hello");
}

TEST(ListenerTest, HandlerExceptionGives500) {
  TestListener server(TestOptions(), [](Request, Respond) {
    throw std::runtime_error("boom");
  });
  httplib::Client client("127.0.0.1", server.port);
  auto res = client.Post("/hook", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, R"({"ok":false,"error":"internal error"})");
}

TEST(ListenerTest, DroppedRespondGives500AndTheConnectionGoesOn) {
  TestListener server(TestOptions(), [](Request request, Respond respond) {
    if (request.body == "drop") return;  // the only copy dies here
    respond(Echo(std::move(request)));
  });
  httplib::Client client("127.0.0.1", server.port);
  client.set_keep_alive(true);
  auto dropped = client.Post("/hook", "drop", "text/plain");
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->status, 500);
  auto next = client.Post("/hook", "next", "text/plain");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "next");
  EXPECT_EQ(server.stats.connections_accepted, 1);
}

TEST(ListenerTest, AnswersLaterFromAnotherThreadAndOnlyOnce) {
  std::vector<std::thread> answerers;
  absl::Mutex mu;
  TestListener server(TestOptions(), [&](Request request, Respond respond) {
    absl::MutexLock lock(&mu);
    answerers.emplace_back([request = std::move(request), respond] {
      respond(Echo(request));
      respond(JsonErrorResponse(500, "second answer"));  // ignored
    });
  });
  httplib::Client client("127.0.0.1", server.port);
  client.set_keep_alive(true);
  for (int i = 0; i < 5; ++i) {
    std::string body = absl::StrCat("n", i);
    auto res = client.Post("/hook", body, "text/plain");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, body);
  }
  absl::MutexLock lock(&mu);
  for (auto& t : answerers) t.join();
}

// Holds every Respond until the test ends, noting abandonment callbacks.
struct HoldingHandler {
  void operator()(Request, Respond respond) {
    respond.OnAbandoned([this] { abandoned.fetch_add(1); });
    absl::MutexLock lock(&mu);
    held.push_back(std::move(respond));
  }
  size_t Held() {
    absl::MutexLock lock(&mu);
    return held.size();
  }
  absl::Mutex mu;
  std::vector<Respond> held ABSL_GUARDED_BY(mu);
  std::atomic<int> abandoned{0};
};

TEST(ListenerTest, ClientThatLeavesBeforeTheAnswerMarksItAbandoned) {
  HoldingHandler handler;
  TestListener server(TestOptions(), [&](Request r, Respond respond) {
    handler(std::move(r), std::move(respond));
  });
  auto client = server.Connect();
  ASSERT_TRUE(client->Send(PostRequest("{}")));
  ASSERT_TRUE(WaitUntil([&] { return handler.Held() == 1; }));
  {
    absl::MutexLock lock(&handler.mu);
    EXPECT_FALSE(handler.held[0].Abandoned());
  }
  client.reset();  // closes the socket
  ASSERT_TRUE(WaitUntil([&] { return handler.abandoned.load() == 1; }));
  absl::MutexLock lock(&handler.mu);
  EXPECT_TRUE(handler.held[0].Abandoned());
  // A callback set afterwards runs at once; the late answer is dropped.
  int late = 0;
  handler.held[0].OnAbandoned([&] { ++late; });
  EXPECT_EQ(late, 1);
  handler.held[0](Echo(Request{}));
}

TEST(ListenerTest, ClientThatClosesRightAfterSendingIsAbandoned) {
  HoldingHandler handler;
  TestListener server(TestOptions(), [&](Request r, Respond respond) {
    handler(std::move(r), std::move(respond));
  });
  for (int i = 0; i < 3; ++i) {
    auto client = server.Connect();
    ASSERT_TRUE(client->Send(PostRequest("{}")));
    ::shutdown(client->fd(), SHUT_WR);  // the FIN may come with the body
    client.reset();
  }
  ASSERT_TRUE(WaitUntil([&] { return handler.abandoned.load() == 3; }));
  EXPECT_EQ(handler.Held(), 3u);
}

TEST(ListenerTest, AnsweredOrPipelinedRequestsAreNotAbandoned) {
  HoldingHandler handler;
  TestListener server(TestOptions(), [&](Request r, Respond respond) {
    if (r.path == "/now") {
      respond.OnAbandoned([&] { handler.abandoned.fetch_add(1); });
      return respond(Echo(std::move(r)));
    }
    handler(std::move(r), std::move(respond));
  });
  auto client = server.Connect();
  // The second request waits in the socket behind the held first one.
  ASSERT_TRUE(client->Send(PostRequest("held") + PostRequest("x", "/now")));
  ASSERT_TRUE(WaitUntil([&] { return handler.Held() == 1; }));
  {
    absl::MutexLock lock(&handler.mu);
    EXPECT_FALSE(handler.held[0].Abandoned());
    handler.held[0](Echo(Request{}));
  }
  auto first = client->ReadResponse();
  ASSERT_TRUE(first);
  auto second = client->ReadResponse();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "x");
  client.reset();
  server.listener->Stop();
  EXPECT_EQ(handler.abandoned.load(), 0);
}

TEST(ListenerTest, ResponseHeadersAndStatusArePassedThrough) {
  TestListener server(TestOptions(), [](Request, Respond respond) {
    Response response = JsonErrorResponse(429, "slow down");
    response.headers.emplace_back("Retry-After", "7");
    respond(std::move(response));
  });
  httplib::Client client("127.0.0.1", server.port);
  auto res = client.Post("/hook", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->get_header_value("Retry-After"), "7");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
}

TEST(ListenerTest, StartRejectsHalfATlsConfiguration) {
  ListenerOptions options = TestOptions();
  options.tls_cert_file = "/nonexistent/cert.pem";
  Listener listener(options, nullptr, EchoHandler);
  EXPECT_FALSE(listener.Start().ok());
}

}  // namespace
}  // namespace telegate::http
