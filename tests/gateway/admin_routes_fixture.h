// AdminRoutesFixture: AdminRoutes over a FakeAdminBackend, plus Body() to
// read a JsonAnswer, shared by the admin route tests.
#ifndef TELEGATE_TESTS_GATEWAY_ADMIN_ROUTES_FIXTURE_H_
#define TELEGATE_TESTS_GATEWAY_ADMIN_ROUTES_FIXTURE_H_

#include "gateway/admin_routes.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/fake_admin_backend.h"

namespace telegate::gateway {

// The answer's body as a JSON object (fails the test when it is not one).
inline nlohmann::json Body(const JsonAnswer& answer) {
  nlohmann::json j = nlohmann::json::parse(answer.body, nullptr, false);
  EXPECT_TRUE(j.is_object()) << answer.body;
  return j;
}

class AdminRoutesFixture : public ::testing::Test {
 protected:
  testing::FakeAdminBackend backend_;
  AdminRoutes routes_{&backend_, "gateway-env"};
};

}  // namespace telegate::gateway

#endif  // TELEGATE_TESTS_GATEWAY_ADMIN_ROUTES_FIXTURE_H_
