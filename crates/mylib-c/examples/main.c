/*
 * The classic example, in mylib's C API: greet a name, free the string, add numbers.
 *
 *   cc main.c $(pkg-config --cflags --libs mylib) -o greet && ./greet Ada
 */
#include <stdio.h>

#include "mylib.h"

/* Prints the failure of `what` and returns 1. */
static int fail(const char *what, mylib_status status) {
  fprintf(stderr, "%s failed: %s: %s\n", what, mylib_status_code((int)status), mylib_last_error());
  return 1;
}

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "world";

  char *greeting = NULL;
  mylib_status status = mylib_greet(name, &greeting);
  if (status != MYLIB_OK) return fail("mylib_greet", status);
  printf("%s\n", greeting);
  mylib_string_free(greeting);

  const int32_t numbers[] = {2147483647, 1, 2, 3};
  int64_t total = 0;
  status = mylib_sum(numbers, sizeof numbers / sizeof numbers[0], &total);
  if (status != MYLIB_OK) return fail("mylib_sum", status);
  printf("sum: %lld\n", (long long)total);

  mylib_calculator *calc = NULL;
  double value = 0;
  if ((status = mylib_calculator_new(10, &calc)) != MYLIB_OK) return fail("new", status);
  mylib_calculator_add(calc, 5, &value);
  status = mylib_calculator_divide(calc, 0, &value);
  printf("divide by zero: %s (value still %g)\n", mylib_status_code((int)status),
         (mylib_calculator_value(calc, &value), value));
  mylib_calculator_free(calc);
  return 0;
}
