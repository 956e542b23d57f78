/*
 * The C library's benchmark (run by `node scripts/c.mjs bench`, compiled with -O2):
 *
 * - mylib_sum over 1,000,000 int32_t against a plain C loop compiled here;
 * - sequential keep-alive GETs per second: mylib_fetch_data against libcurl's easy API (one
 *   handle, reused), on the loopback server whose URL is argv[1], expecting the body argv[2].
 *
 * Contenders take turns, ROUNDS times, the fetch contenders in alternating order (neither always
 * follows the other); each prints its median as `name value`. Every answer is
 * checked first: a contender that disagrees ends the run with exit 1.
 */
#define _POSIX_C_SOURCE 199309L
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mylib.h"

#define ROUNDS 11
#define SUM_LEN 1000000
#define SUM_CALLS 50

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *samples, int n) {
  qsort(samples, (size_t)n, sizeof *samples, by_value);
  return samples[n / 2];
}

/* The reference: the loop a C programmer writes. */
__attribute__((noinline)) static int64_t loop_sum(const int32_t *values, size_t len) {
  int64_t total = 0;
  for (size_t i = 0; i < len; i++) total += values[i];
  return total;
}

struct buffer {
  char *data;
  size_t len;
};

static size_t append(char *chunk, size_t size, size_t count, void *user) {
  struct buffer *buffer = user;
  size_t n = size * count;
  char *grown = realloc(buffer->data, buffer->len + n + 1);
  if (!grown) return 0;
  memcpy(grown + buffer->len, chunk, n);
  buffer->data = grown;
  buffer->len += n;
  buffer->data[buffer->len] = 0;
  return n;
}

static int curl_get(CURL *curl, const char *expected) {
  struct buffer body = {NULL, 0};
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  int ok = curl_easy_perform(curl) == CURLE_OK && body.data && strcmp(body.data, expected) == 0;
  free(body.data);
  return ok;
}

static int mylib_get(const char *url, const char *expected) {
  char *body = NULL;
  int ok = mylib_fetch_data(url, NULL, &body) == MYLIB_OK && strcmp(body, expected) == 0;
  mylib_string_free(body);
  return ok;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <url> <expected body> <requests per round>\n", argv[0]);
    return 2;
  }
  const char *url = argv[1];
  const char *expected = argv[2];
  int requests = atoi(argv[3]);

  int32_t *values = malloc(SUM_LEN * sizeof *values);
  uint32_t state = 2463534242u;
  for (size_t i = 0; i < SUM_LEN; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    values[i] = (int32_t)state;
  }
  int64_t total = 0;
  if (mylib_sum(values, SUM_LEN, &total) != MYLIB_OK || total != loop_sum(values, SUM_LEN)) {
    fprintf(stderr, "mylib_sum disagrees with the C loop\n");
    return 1;
  }
  double sum_mylib[ROUNDS], sum_loop[ROUNDS];
  volatile int64_t sink = 0;
  for (int round = 0; round < ROUNDS; round++) {
    double start = now();
    for (int i = 0; i < SUM_CALLS; i++) {
      mylib_sum(values, SUM_LEN, &total);
      sink += total;
    }
    sum_mylib[round] = (now() - start) / SUM_CALLS * 1e6;
    start = now();
    for (int i = 0; i < SUM_CALLS; i++) sink += loop_sum(values, SUM_LEN);
    sum_loop[round] = (now() - start) / SUM_CALLS * 1e6;
  }
  printf("sum_mylib_us %.2f\n", median(sum_mylib, ROUNDS));
  printf("sum_loop_us %.2f\n", median(sum_loop, ROUNDS));
  free(values);

  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  if (!curl_get(curl, expected) || !mylib_get(url, expected)) {
    fprintf(stderr, "a contender returned another body\n");
    return 1;
  }
  double rps_mylib[ROUNDS], rps_curl[ROUNDS];
  for (int round = 0; round < ROUNDS; round++) {
    for (int turn = 0; turn < 2; turn++) {
      int mylib_turn = (turn + round) % 2 == 0;
      double start = now();
      for (int i = 0; i < requests; i++) {
        if (!(mylib_turn ? mylib_get(url, expected) : curl_get(curl, expected))) return 1;
      }
      (mylib_turn ? rps_mylib : rps_curl)[round] = requests / (now() - start);
    }
  }
  printf("fetch_mylib_rps %.0f\n", median(rps_mylib, ROUNDS));
  printf("fetch_curl_rps %.0f\n", median(rps_curl, ROUNDS));
  printf("curl_version %s\n", curl_version());
  printf("rounds %d\n", ROUNDS);
  curl_easy_cleanup(curl);
  curl_global_cleanup();
  return 0;
}
