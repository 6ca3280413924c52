#include "lab/agents/http_request_end.hpp"

#include <gtest/gtest.h>

using lab::agent::HttpRequestEnd;

namespace {

TEST(HttpRequestEnd, EndsAtTheBlankLine) {
    HttpRequestEnd end;
    EXPECT_FALSE(end.feed("GET / HTTP/1.0\r\nHost: 198.18.0.1\r\n"));
    EXPECT_TRUE(end.feed("\r\n"));
    EXPECT_TRUE(end.complete());
    EXPECT_TRUE(end.feed("anything after"));
}

TEST(HttpRequestEnd, FindsATerminatorSplitAcrossReads) {
    for (std::size_t cut = 0; cut <= 4; ++cut) {
        std::string request = "GET / HTTP/1.0\r\nUser-Agent: ApacheBench/2.3\r\n\r\n";
        HttpRequestEnd end;
        std::size_t split = request.size() - 4 + cut;
        EXPECT_EQ(end.feed(std::string_view(request).substr(0, split)), cut == 4) << "cut " << cut;
        EXPECT_TRUE(end.feed(std::string_view(request).substr(split))) << "cut " << cut;
    }
}

TEST(HttpRequestEnd, ABrokenMatchCanRestartOnCarriageReturn) {
    HttpRequestEnd end;
    EXPECT_FALSE(end.feed("GET / HTTP/1.0\r\r"));
    EXPECT_TRUE(end.feed("\n\r\n"));
}

TEST(HttpRequestEnd, LoneNewlinesDoNotEndTheRequest) {
    HttpRequestEnd end;
    EXPECT_FALSE(end.feed("GET / HTTP/1.0\n\n\r\n\n"));
    EXPECT_FALSE(end.complete());
}

}  // namespace
