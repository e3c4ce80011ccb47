/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, for running Rust test
 * binaries under Wine 8 (see run). Rust's std on Windows imports ProcessPrng from
 * bcryptprimitives.dll (Windows 10+), which Wine 8 does not ship; this DLL exports
 * it on top of RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * Never shipped with the app: real Windows has the real DLL.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

/* BOOL ProcessPrng(PBYTE pbData, SIZE_T cbData): always TRUE on Windows. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
