/* bcryptprimitives.dll for Wine 8, which lacks ProcessPrng: Rust's standard library (1.78 and
 * later) gets its random bytes from ProcessPrng on Windows 10 and later, so without it every
 * HashMap in a Rust DLL aborts the process under Wine. This DLL exports ProcessPrng and fills the
 * buffer from BCryptGenRandom with the system-preferred generator, which Wine implements.
 * scripts/windows.mjs builds it with MinGW-w64 and puts it into the Wine prefix's system32; it is
 * a test fixture only and never ships. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
      return FALSE;
    }
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
