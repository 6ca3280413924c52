#include "sys/signal_mask.hpp"

#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

// The test's own main thread: /proc/PID/status shows the thread group leader's mask, which gtest runs on.
TEST(SignalMask, ReadsWhetherAProcessBlocksASignal) {
    sigset_t usr2, was;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &usr2, &was), 0);
    EXPECT_TRUE(lab::sys::blocks_signal(::getpid(), SIGUSR2));
    ASSERT_EQ(::pthread_sigmask(SIG_SETMASK, &was, nullptr), 0);
    EXPECT_EQ(lab::sys::blocks_signal(::getpid(), SIGUSR2), static_cast<bool>(sigismember(&was, SIGUSR2)));
    EXPECT_FALSE(lab::sys::blocks_signal(-1, SIGUSR2));
}

}  // namespace
