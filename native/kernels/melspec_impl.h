// Spectrogram / log-mel machinery shared by melspec.c (SIMD) and melspec_scalar.c (the twin).
// The includer defines the two hot loops before including this file:
//   static void ms_stage(float *re, float *im, int m, int h, const float *twr, const float *twi);
//     one radix-2 decimation-in-time stage: butterflies of span 2h over the whole array,
//     twiddles twr/twi[j] = cos/-sin(2 pi j / 2h), j < h (contiguous per stage).
//   static void ms_combine(const float *yr, const float *yi, int p, int q, int nf, int nfp,
//                          const float *wr, const float *wi, float *xr, float *xi);
//     the mixed-radix recombination X[k] = sum_r W_n^(rk) Y_r[k mod p], summed in r order.
//   static void ms_mel_row(const float *s, int nf, const float *fb, int nm, float *o, int logmode, float eps);
//     o[k] = sum_f s[f] fb[f, k] (summed in f order, so SIMD == scalar bit for bit), then
//     logmode 1: log(o + eps), 2 and 3: log(max(o, eps)), 0: as is (ms_mel turns mode 3 into dB).
// Everything the FFTs need (bit-reversal table, per-stage twiddles, real-FFT post twiddles,
// Bluestein chirp and its transformed kernel) is a plan computed once in double precision by
// ts/data/audio.ts; the kernels only read it.
#ifndef MELSPEC_IMPL_H
#define MELSPEC_IMPL_H
#include "vw.h"

// Power-of-two complex FFT of size m: bit-reverse (in -> out), then log2(m) stages in place.
// Stage tables sit back to back: the stage of half-span h starts at offset h - 1.
static void ms_fft(const float *in_re, const float *in_im, float *re, float *im, int m,
                   const int32_t *rev, const float *twr, const float *twi) {
  for (int i = 0; i < m; i++) { re[i] = in_re[rev[i]]; im[i] = in_im[rev[i]]; }
  for (int h = 1; h < m; h <<= 1) ms_stage(re, im, m, h, twr + (h - 1), twi + (h - 1));
}

// Sample i of the signal extended by the pad mode (0 reflect, 1 zeros, 2 replicate).
static inline float ms_sample(const float *x, int n, int i, int mode) {
  if (i >= 0 && i < n) return x[i];
  if (mode == 1) return 0.f;
  if (mode == 2) return x[i < 0 ? 0 : n - 1];
  // reflect without repeating the edge (torch's 'reflect'); the caller guarantees pad < n
  if (i < 0) i = -i;
  if (i >= n) i = 2 * (n - 1) - i;
  return x[i];
}

static inline float ms_mag(float r, float i, int power) {
  const float p = r * r + i * i;
  return power == 1 ? __builtin_sqrtf(p) : p;
}

// Param block p (all int32; pointers are byte offsets):
//  0 x (f32[S])  1 S  2 out (f32[T, n/2+1])  3 T  4 n (n_fft)  5 hop  6 pad (left offset)
//  7 pad mode    8 power (1 magnitude, 2 power)  9 window (f32[n], already centred/zero-padded)
// 10 kind: 0 real FFT through an n/2 complex FFT (n a power of two), 1 Bluestein (any n),
//    2 mixed radix n = p q (p the power-of-two part, q odd and small): q radix-2 FFTs of the
//    decimated sequences x[r + jq], recombined with twiddles (torchaudio's n_fft 400 = 16 x 25)
// 11 m (complex FFT size)  12 rev (i32[m])  13 stage twiddles (f32[2(m-1)]: re then im)
// 14 kind 0: post twiddles cos/-sin(2 pi k / n), k <= n/2 (f32[2(n/2+1)]);
//    kind 1: chirp w_j = exp(-i pi j^2 / n), j < n (f32[2n]: re then im);
//    kind 2: W_n^(rk) as [q, nfp] re then im, nfp = nf rounded up to 4 (f32[2 q nfp])
// 15 kind 1: FFT of the conjugate chirp kernel, divided by m (f32[2m]: re then im)
// 16 work (f32[5 max(m, n) + 8])  17 kind 2: q
static void ms_spectrogram(const int32_t *p) {
  const float *x = (const float *)(uintptr_t)p[0];
  const int S = p[1], T = p[3], n = p[4], hop = p[5], pad = p[6], mode = p[7], power = p[8];
  float *out = (float *)(uintptr_t)p[2];
  const float *win = (const float *)(uintptr_t)p[9];
  const int kind = p[10], m = p[11];
  const int32_t *rev = (const int32_t *)(uintptr_t)p[12];
  const float *twr = (const float *)(uintptr_t)p[13], *twi = twr + (m - 1);
  const float *post = (const float *)(uintptr_t)p[14];
  const float *B = (const float *)(uintptr_t)p[15];
  float *work = (float *)(uintptr_t)p[16];
  const int big = VW_MAX(m, n) + 8, nf = n / 2 + 1;
  float *fr = work, *ar = work + big, *ai = ar + big, *zr = ai + big, *zi = zr + big;
  for (int t = 0; t < T; t++) {
    const int s0 = t * hop - pad;
    float *o = out + (size_t)t * nf;
    if (s0 >= 0 && s0 + n <= S) { for (int i = 0; i < n; i++) fr[i] = x[s0 + i] * win[i]; }
    else { for (int i = 0; i < n; i++) fr[i] = ms_sample(x, S, s0 + i, mode) * win[i]; }
    if (kind == 0) {
      // z_k = x_2k + i x_2k+1, Z = FFT_h(z); X_k = E_k + W^k O_k with E, O from Z_k, conj Z_h-k.
      const int h = n / 2;
      for (int i = 0; i < h; i++) { ar[i] = fr[2 * i]; ai[i] = fr[2 * i + 1]; }
      ms_fft(ar, ai, zr, zi, h, rev, twr, twi);
      const float *cr = post, *ci = post + nf;
      for (int k = 0; k <= h; k++) {
        const int k1 = k == h ? 0 : k, k2 = k == 0 ? 0 : h - k;
        const float a = zr[k1], b = zi[k1], c = zr[k2], d = zi[k2];
        const float er = 0.5f * (a + c), ei = 0.5f * (b - d);
        const float orr = 0.5f * (b + d), oi = -0.5f * (a - c);
        const float xr = er + (cr[k] * orr - ci[k] * oi);
        const float xi = ei + (cr[k] * oi + ci[k] * orr);
        o[k] = ms_mag(xr, xi, power);
      }
    } else if (kind == 2) {
      // n = p q: Y_r = FFT_p(x[r], x[r + q], ...), X_k = sum_r W_n^(rk) Y_r[k mod p]
      const int q = p[17], nfp = (nf + 3) & ~3;
      for (int r = 0; r < q; r++) {
        for (int j = 0; j < m; j++) { zr[j] = fr[r + j * q]; zi[j] = 0.f; }
        ms_fft(zr, zi, ar + (size_t)r * m, ai + (size_t)r * m, m, rev, twr, twi);
      }
      ms_combine(ar, ai, m, q, nf, nfp, post, post + (size_t)q * nfp, zr, zi);
      for (int k = 0; k < nf; k++) o[k] = ms_mag(zr[k], zi[k], power);
    } else {
      // Bluestein: X_k = w_k sum_j (x_j w_j) conj(w_(k-j)), a convolution done with two size-m
      // FFTs (the inverse as conj(FFT(conj(.)))), the kernel's transform precomputed.
      const float *wr = post, *wi = post + n;
      const float *Br = B, *Bi = B + m;
      for (int j = 0; j < n; j++) { ar[j] = fr[j] * wr[j]; ai[j] = fr[j] * wi[j]; }
      for (int j = n; j < m; j++) { ar[j] = 0.f; ai[j] = 0.f; }
      ms_fft(ar, ai, zr, zi, m, rev, twr, twi);
      for (int j = 0; j < m; j++) {
        const float r = zr[j] * Br[j] - zi[j] * Bi[j], i = zr[j] * Bi[j] + zi[j] * Br[j];
        ar[j] = r; ai[j] = -i;
      }
      ms_fft(ar, ai, zr, zi, m, rev, twr, twi);
      for (int k = 0; k < nf; k++) {
        const float cr = zr[k], ci = -zi[k];
        o[k] = ms_mag(cr * wr[k] - ci * wi[k], cr * wi[k] + ci * wr[k], power);
      }
    }
  }
}

// Param block: 0 spec (f32[T, nf])  1 T  2 nf  3 fb (f32[nf, nm])  4 nm  5 out (f32[T, nm])
// 6 log mode (0 none, 1 log(x + eps), 2 log(max(x, eps)), 3 dB 10 log10(max(x, eps)))
// 7 eps (f32 bits)  8 log mode 3: top_db (f32 bits; < 0 for none): every value is raised to at
// least max(out) - top_db, the max taken over the whole [T, nm] output (torchaudio's
// amplitude_to_DB on one spectrogram). With log mode 0 the kernel is a plain [T, nf] x [nf, nm]
// product (the MFCC's DCT).
static void ms_mel(const int32_t *p) {
  const float *s = (const float *)(uintptr_t)p[0];
  const int T = p[1], nf = p[2], nm = p[4], logmode = p[6];
  const float *fb = (const float *)(uintptr_t)p[3];
  float *out = (float *)(uintptr_t)p[5];
  float eps, top_db;
  memcpy(&eps, &p[7], 4);
  memcpy(&top_db, &p[8], 4);
  for (int t = 0; t < T; t++) ms_mel_row(s + (size_t)t * nf, nf, fb, nm, out + (size_t)t * nm, logmode, eps);
  if (logmode == 3) {
    // decibels: 10 log10(y) = ln(y) * 10 / ln(10), then the floor at max - top_db
    const size_t n = (size_t)T * nm;
    float mx = -__builtin_inff();
    for (size_t i = 0; i < n; i++) { out[i] *= 4.342944819032518f; mx = out[i] > mx ? out[i] : mx; }
    if (top_db >= 0.f) {
      const float floor = mx - top_db;
      for (size_t i = 0; i < n; i++) out[i] = out[i] < floor ? floor : out[i];
    }
  }
}
#endif
