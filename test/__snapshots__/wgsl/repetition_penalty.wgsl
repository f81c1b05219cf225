// spec `repetition_penalty`: 14 kernels, run in this order

// ---- prelude included by every kernel
// Built from runtime words: WGSL rejects NaN and infinities in constant expressions.
fn rc_bits(b: u32) -> f32 { return bitcast<f32>(b); }
fn rc_isnan(x: f32) -> bool { return !(x == x); }
fn rc_finite(x: f32) -> bool { return abs(x) <= 0x1.fffffep+127f; }
fn rc_shift(x: f32) -> f32 { return select(0.0f, x, rc_finite(x)); }
// As JS Math.min/max: NaN wins, and min(-0, 0) is -0, max(-0, 0) is +0 (WGSL leaves both open).
fn rc_min(a: f32, b: f32) -> f32 {
  if (rc_isnan(a)) { return a; } if (rc_isnan(b)) { return b; }
  if (a == b) { return bitcast<f32>(bitcast<u32>(a) | bitcast<u32>(b)); }
  return min(a, b);
}
fn rc_max(a: f32, b: f32) -> f32 {
  if (rc_isnan(a)) { return a; } if (rc_isnan(b)) { return b; }
  if (a == b) { return bitcast<f32>(bitcast<u32>(a) & bitcast<u32>(b)); }
  return max(a, b);
}
fn rc_f2i(x: f32) -> i32 {
  if (rc_isnan(x)) { return 0i; }
  if (x >= 2147483647.0f) { return 2147483647i; }
  if (x <= -2147483648.0f) { return i32(-2147483647 - 1); }
  return i32(x);
}
fn rc_pow(x: f32, y: f32) -> f32 {
  if (y == 0.0f) { return 1.0f; }
  if (x >= 0.0f) { return pow(x, y); }
  if (rc_isnan(x) || floor(y) != y) { return rc_bits(0x7fc00000u); }
  let m = pow(-x, y);
  if (floor(y * 0.5f) * 2.0f != y) { return -m; }
  return m;
}
fn rc_log1p(x: f32) -> f32 {
  let u = 1.0f + x;
  if (u == 1.0f) { return x; }
  return log(u) * (x / (u - 1.0f));
}
fn rc_fmod(x: f32, y: f32) -> f32 { return x - y * trunc(x / y); }
// log |Γ(x)|: shift x up past 8 by the recurrence, then Stirling's series; reflection below 1/2.
fn rc_lgamma_pos(x0: f32) -> f32 {
  var x = x0;
  var p = 1.0f;
  loop { if (x >= 8.0f) { break; } p = p * x; x = x + 1.0f; }
  let r = 1.0f / x;
  let r2 = r * r;
  let series = r * (0.083333333f - r2 * (0.0027777778f - r2 * (0.00079365079f - r2 * 0.00059523810f)));
  return (x - 0.5f) * log(x) - x + 0.91893853f + series - log(p);
}
fn rc_lgamma(x: f32) -> f32 {
  if (rc_isnan(x)) { return x; }
  if (x <= 0.0f && floor(x) == x) { return rc_bits(0x7f800000u); }
  if (x == 1.0f || x == 2.0f) { return 0.0f; }
  if (x < 0.5f) { return log(3.14159265f / abs(sin(3.14159265f * x))) - rc_lgamma_pos(1.0f - x); }
  return rc_lgamma_pos(x);
}

var<private> rc_stack: array<f32, 48>;
var<private> rc_depth: u32;
var<private> rc_pushed: u32;
fn rc_begin() { rc_depth = 0u; rc_pushed = 0u; }
fn rc_push(v: f32) {
  rc_pushed = rc_pushed + 1u;
  var x = v;
  var c = rc_pushed;
  loop {
    if ((c & 1u) != 0u) { break; }
    rc_depth = rc_depth - 1u;
    x = rc_stack[rc_depth] + x;
    c = c >> 1u;
  }
  rc_stack[rc_depth] = x;
  rc_depth = rc_depth + 1u;
}
fn rc_finish() -> f32 {
  if (rc_depth == 0u) { return 0.0f; }
  var acc = rc_stack[rc_depth - 1u];
  var d = i32(rc_depth) - 2i;
  loop {
    if (d < 0i) { break; }
    acc = rc_stack[d] + acc;
    d = d - 1i;
  }
  return acc;
}

// ---- kernel axis_tokens_s1: workgroup 64, over rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `rollout`
// rewardc kernel `axis_tokens_s1` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_rollout: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_rollout: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let r = d.begin + wg * 64u + lid;
  if (r >= d.end) { return; }
  let g = u32(bitcast<i32>(a_rollout[(r) * 6u + 0u - d.base_a_rollout]));
  let es = u32(bitcast<i32>(a_rollout[(r) * 6u + 1u - d.base_a_rollout]));
  let el = u32(bitcast<i32>(a_rollout[(r) * 6u + 2u - d.base_a_rollout]));
  var acc1: i32 = 0i;
  var seen2 = false;
  for (var i4 = 0u; i4 < el; i4++) {
    let e5 = es + i4;
    if (true) {
      acc1 = acc1 + 1i;
      seen2 = true;
    }
  }
  a_rollout[(r) * 6u + 3u - d.base_a_rollout] = bitcast<u32>(acc1);
}


// ---- kernel distinct_7_s1: workgroup 64, over a workgroup per rollout
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `scratch:tokens`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
//   binding 4: storage arena `element:tokens`
// rewardc kernel `distinct_7_s1` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_scratch_tokens: u32, base_a_rollout: u32, base_a_scalar: u32, base_a_element_tokens: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_scratch_tokens: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
@group(0) @binding(4) var<storage, read_write> a_element_tokens: array<u32>;
var<workgroup> wt: array<atomic<u32>, 4064>;
var<workgroup> wc: atomic<u32>;
var<workgroup> wn: u32;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let r = d.begin + wg;
  if (r >= d.end) { return; }
  let v1: i32 = bitcast<i32>(a_scalar[1u]);
  let g = u32(bitcast<i32>(a_rollout[(r) * 6u + 0u - d.base_a_rollout]));
  let es = u32(bitcast<i32>(a_rollout[(r) * 6u + 1u - d.base_a_rollout]));
  let el = u32(bitcast<i32>(a_rollout[(r) * 6u + 2u - d.base_a_rollout]));
  let nl0 = u32(v1);
  if (lid == 0u) { wn = select(0u, el + 1u - nl0, el >= nl0); atomicStore(&wc, 0u); }
  let nw = workgroupUniformLoad(&wn);
  var mine = 0u;
  if (nw <= 2032u) {
    let ts = max(16u, 2u * nw);
    for (var t = lid; t < ts; t += 64u) { atomicStore(&wt[t], 0u); }
    workgroupBarrier();
    for (var i = lid; i < nw; i += 64u) {
      var h = 0x811c9dc5u;
      for (var k2 = 0u; k2 < nl0; k2++) {
        let eh3 = es + i + k2;
        let v4: i32 = bitcast<i32>(a_element_tokens[(eh3) * 2u + 1u - d.base_a_element_tokens]);
        h = (h ^ bitcast<u32>(v4)) * 0x01000193u;
      }
      h = (h ^ (h >> 15u)) * 0x2c1b3c6du;
      var p = (h ^ (h >> 13u)) % ts;
      loop {
        let res = atomicCompareExchangeWeak(&wt[p], 0u, i + 1u);
        if (res.exchanged) { mine++; break; }
        if (res.old_value == 0u) { continue; }
        var same = true;
        for (var k5 = 0u; k5 < nl0; k5++) {
          let ea6 = es + res.old_value - 1u + k5;
          let v8: i32 = bitcast<i32>(a_element_tokens[(ea6) * 2u + 1u - d.base_a_element_tokens]);
          let eb7 = es + i + k5;
          let v9: i32 = bitcast<i32>(a_element_tokens[(eb7) * 2u + 1u - d.base_a_element_tokens]);
          if (v8 != v9) { same = false; break; }
        }
        if (same) { break; }
        p = select(p + 1u, 0u, p + 1u == ts);
      }
    }
  } else {
    if (lid == 0u) {
      let ts = 2u * el;
      for (var t = 0u; t < ts; t++) { a_scratch_tokens[2u * es + t - d.base_a_scratch_tokens] = 0u; }
      for (var i = 0u; i < nw; i += 1u) {
        var h = 0x811c9dc5u;
        for (var k10 = 0u; k10 < nl0; k10++) {
          let eh11 = es + i + k10;
          let v12: i32 = bitcast<i32>(a_element_tokens[(eh11) * 2u + 1u - d.base_a_element_tokens]);
          h = (h ^ bitcast<u32>(v12)) * 0x01000193u;
        }
        h = (h ^ (h >> 15u)) * 0x2c1b3c6du;
        var p = (h ^ (h >> 13u)) % ts;
        loop {
          let stored = a_scratch_tokens[2u * es + p - d.base_a_scratch_tokens];
          if (stored == 0u) { a_scratch_tokens[2u * es + p - d.base_a_scratch_tokens] = i + 1u; mine++; break; }
          var same = true;
          for (var k13 = 0u; k13 < nl0; k13++) {
            let ea14 = es + stored - 1u + k13;
            let v16: i32 = bitcast<i32>(a_element_tokens[(ea14) * 2u + 1u - d.base_a_element_tokens]);
            let eb15 = es + i + k13;
            let v17: i32 = bitcast<i32>(a_element_tokens[(eb15) * 2u + 1u - d.base_a_element_tokens]);
            if (v16 != v17) { same = false; break; }
          }
          if (same) { break; }
          p = select(p + 1u, 0u, p + 1u == ts);
        }
      }
    }
  }
  atomicAdd(&wc, mine);
  workgroupBarrier();
  if (lid == 0u) {
    a_rollout[(r) * 6u + 4u - d.base_a_rollout] = bitcast<u32>(i32(atomicLoad(&wc)));
  }
}


// ---- kernel batch_32_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_32_fetch_blocks` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blk = d.begin + wg;
  if (blk >= d.end) { return; }
  let item = blk * 256u + lid;
  if (item < d.count) {
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 6u + 0u - d.base_a_rollout]));
    let v1: bool = (a_rollout[(item) * 6u + 5u - d.base_a_rollout] != 0u);
    let v2: f32 = select(0.0f, 1.0f, v1);
    if (bitcast<i32>(a_scalar[4u]) > 0i && item == u32(bitcast<i32>(a_scalar[5u]))) { a_scalar[6u] = bitcast<u32>(rc_shift(f32(v2))); }
  }
}


// ---- kernel batch_32_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_32_shifted_blocks` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blk = d.begin + wg;
  if (blk >= d.end) { return; }
  let item = blk * 256u + lid;
  wf[lid] = 0.0f;
  if (item < d.count) {
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 6u + 0u - d.base_a_rollout]));
    let v1: bool = (a_rollout[(item) * 6u + 5u - d.base_a_rollout] != 0u);
    let v2: f32 = select(0.0f, 1.0f, v1);
    if (true) { wf[lid] = f32(v2) - bitcast<f32>(a_scalar[6u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_32_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_32_shifted_combine` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_scalar: u32, pad5: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blocks = d.end;
  rc_begin();
  var total_u = 0u;
  var first_i = 2147483647i;
  var ext_f = rc_bits(0xff800000u);
  var ext_i = i32(-2147483647 - 1);
  for (var c = 0u; c < blocks; c = c + 256u) {
    let j = c + lid;
    wf[lid] = select(0.0f, bitcast<f32>(a_partials[j * 1u + 0u]), j < blocks);
    for (var st = 1u; st < 256u; st = st << 1u) {
      workgroupBarrier();
      if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
    }
    workgroupBarrier();
    if (lid == 0u) { rc_push(wf[0]); }
    workgroupBarrier();
  }
  if (lid == 0u) {
    a_scalar[3u] = bitcast<u32>(select(bitcast<f32>(a_scalar[6u]) + rc_finish() / f32(max(bitcast<i32>(a_scalar[4u]), 1i)), 0.0f, bitcast<i32>(a_scalar[4u]) == 0i));
  }
}


// ---- kernel group_s2: workgroup W (a power of two covering the largest group, at most 256), over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `group_s2` of spec `repetition_penalty`
override W: u32 = 64u;
struct Dispatch { begin: u32, end: u32, count: u32, base_a_group: u32, base_a_rollout: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_group: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, W>;
var<workgroup> ws: u32;
var<workgroup> wn: u32;
var<workgroup> wx: f32;
// (prelude)
@compute @workgroup_size(W)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let gi = d.begin + wg;
  if (gi >= d.end) { return; }
  if (lid == 0u) { ws = u32(bitcast<i32>(a_group[(gi) * 4u + 0u - d.base_a_group])); wn = u32(bitcast<i32>(a_group[(gi) * 4u + 1u - d.base_a_group])); }
  let gs = workgroupUniformLoad(&ws);
  let n = workgroupUniformLoad(&wn);
  workgroupBarrier();
  let v9: i32 = bitcast<i32>(a_scalar[1u]);
  let v15: f32 = bitcast<f32>(a_scalar[2u]);
    if (lid == 0u) {
      var k0 = 0u;
      var x01 = 0.0f;
      for (var jj2 = 0u; jj2 < n; jj2++) {
        let rm3 = gs + jj2;
        let v4: bool = (a_rollout[(rm3) * 6u + 5u - d.base_a_rollout] != 0u);
        let v5: f32 = select(0.0f, 1.0f, v4);
        let v6: i32 = bitcast<i32>(a_rollout[(rm3) * 6u + 4u - d.base_a_rollout]);
        let v7: f32 = f32(v6);
        let v8: i32 = bitcast<i32>(a_rollout[(rm3) * 6u + 3u - d.base_a_rollout]);
        let v10: i32 = (v8 - v9);
        let v11: i32 = (v10 + 1i);
        let v12: f32 = f32(v11);
        let v13: f32 = (v7 / v12);
        let v14: f32 = (1f - v13);
        let v16: f32 = (v14 * v15);
        let v17: bool = (v11 <= 0i);
        let v18: f32 = select(v16, 0f, v17);
        let v19: f32 = (v5 + v18);
        if (true) {
          if (k0 == 0u) { x01 = rc_shift(f32(v19)); }
          k0 = k0 + 1u;
        }
      }
      wn = k0;
      wx = x01;
    }
    let cnt20 = workgroupUniformLoad(&wn);
    let sh21 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    rc_begin();
    for (var c22 = 0u; c22 < n; c22 = c22 + W) {
      let j23 = c22 + lid;
      var t24 = 0.0f;
      if (j23 < n) {
        let rm25 = gs + j23;
        let v26: bool = (a_rollout[(rm25) * 6u + 5u - d.base_a_rollout] != 0u);
        let v27: f32 = select(0.0f, 1.0f, v26);
        let v28: i32 = bitcast<i32>(a_rollout[(rm25) * 6u + 4u - d.base_a_rollout]);
        let v29: f32 = f32(v28);
        let v30: i32 = bitcast<i32>(a_rollout[(rm25) * 6u + 3u - d.base_a_rollout]);
        let v31: i32 = (v30 - v9);
        let v32: i32 = (v31 + 1i);
        let v33: f32 = f32(v32);
        let v34: f32 = (v29 / v33);
        let v35: f32 = (1f - v34);
        let v36: f32 = (v35 * v15);
        let v37: bool = (v32 <= 0i);
        let v38: f32 = select(v36, 0f, v37);
        let v39: f32 = (v27 + v38);
        t24 = select(0.0f, f32(v39) - sh21, true);
      }
      wf[lid] = t24;
      for (var st = 1u; st < W; st = st << 1u) {
        workgroupBarrier();
        if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
      }
      workgroupBarrier();
      if (lid == 0u) { rc_push(wf[0]); }
      workgroupBarrier();
    }
    if (lid == 0u) {
      wx = rc_finish();
    }
    let bf40 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    let mean41 = bf40 / f32(max(cnt20, 1u));
    if (lid == 0u) {
      a_group[(gi) * 4u + 2u - d.base_a_group] = bitcast<u32>(select(sh21 + mean41, 0.0f, cnt20 == 0u));
    }
    if (lid == 0u) {
      var k42 = 0u;
      var x043 = 0.0f;
      for (var jj44 = 0u; jj44 < n; jj44++) {
        let rm45 = gs + jj44;
        let v46: bool = (a_rollout[(rm45) * 6u + 5u - d.base_a_rollout] != 0u);
        let v47: f32 = select(0.0f, 1.0f, v46);
        let v48: i32 = bitcast<i32>(a_rollout[(rm45) * 6u + 4u - d.base_a_rollout]);
        let v49: f32 = f32(v48);
        let v50: i32 = bitcast<i32>(a_rollout[(rm45) * 6u + 3u - d.base_a_rollout]);
        let v51: i32 = (v50 - v9);
        let v52: i32 = (v51 + 1i);
        let v53: f32 = f32(v52);
        let v54: f32 = (v49 / v53);
        let v55: f32 = (1f - v54);
        let v56: f32 = (v55 * v15);
        let v57: bool = (v52 <= 0i);
        let v58: f32 = select(v56, 0f, v57);
        let v59: f32 = (v47 + v58);
        if (true) {
          if (k42 == 0u) { x043 = rc_shift(f32(v59)); }
          k42 = k42 + 1u;
        }
      }
      wn = k42;
      wx = x043;
    }
    let cnt60 = workgroupUniformLoad(&wn);
    let sh61 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    rc_begin();
    for (var c62 = 0u; c62 < n; c62 = c62 + W) {
      let j63 = c62 + lid;
      var t64 = 0.0f;
      if (j63 < n) {
        let rm65 = gs + j63;
        let v66: bool = (a_rollout[(rm65) * 6u + 5u - d.base_a_rollout] != 0u);
        let v67: f32 = select(0.0f, 1.0f, v66);
        let v68: i32 = bitcast<i32>(a_rollout[(rm65) * 6u + 4u - d.base_a_rollout]);
        let v69: f32 = f32(v68);
        let v70: i32 = bitcast<i32>(a_rollout[(rm65) * 6u + 3u - d.base_a_rollout]);
        let v71: i32 = (v70 - v9);
        let v72: i32 = (v71 + 1i);
        let v73: f32 = f32(v72);
        let v74: f32 = (v69 / v73);
        let v75: f32 = (1f - v74);
        let v76: f32 = (v75 * v15);
        let v77: bool = (v72 <= 0i);
        let v78: f32 = select(v76, 0f, v77);
        let v79: f32 = (v67 + v78);
        t64 = select(0.0f, f32(v79) - sh61, true);
      }
      wf[lid] = t64;
      for (var st = 1u; st < W; st = st << 1u) {
        workgroupBarrier();
        if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
      }
      workgroupBarrier();
      if (lid == 0u) { rc_push(wf[0]); }
      workgroupBarrier();
    }
    if (lid == 0u) {
      wx = rc_finish();
    }
    let bf80 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    let mean81 = bf80 / f32(max(cnt60, 1u));
    rc_begin();
    for (var c82 = 0u; c82 < n; c82 = c82 + W) {
      let j83 = c82 + lid;
      var t84 = 0.0f;
      if (j83 < n) {
        let rm85 = gs + j83;
        let v87: bool = (a_rollout[(rm85) * 6u + 5u - d.base_a_rollout] != 0u);
        let v88: f32 = select(0.0f, 1.0f, v87);
        let v89: i32 = bitcast<i32>(a_rollout[(rm85) * 6u + 4u - d.base_a_rollout]);
        let v90: f32 = f32(v89);
        let v91: i32 = bitcast<i32>(a_rollout[(rm85) * 6u + 3u - d.base_a_rollout]);
        let v92: i32 = (v91 - v9);
        let v93: i32 = (v92 + 1i);
        let v94: f32 = f32(v93);
        let v95: f32 = (v90 / v94);
        let v96: f32 = (1f - v95);
        let v97: f32 = (v96 * v15);
        let v98: bool = (v93 <= 0i);
        let v99: f32 = select(v97, 0f, v98);
        let v100: f32 = (v88 + v99);
        let dv86 = (f32(v100) - sh61) - mean81;
        t84 = select(0.0f, dv86 * dv86, true);
      }
      wf[lid] = t84;
      for (var st = 1u; st < W; st = st << 1u) {
        workgroupBarrier();
        if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
      }
      workgroupBarrier();
      if (lid == 0u) { rc_push(wf[0]); }
      workgroupBarrier();
    }
    if (lid == 0u) {
      wx = rc_finish();
    }
    let bf101 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    if (lid == 0u) {
      a_group[(gi) * 4u + 3u - d.base_a_group] = bitcast<u32>(sqrt(select(bf101 / f32(cnt60 - 1u), 0.0f, cnt60 <= 1u)));
    }
}


// ---- kernel group_s2_small: workgroup 64, over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `group_s2_small` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_group: u32, base_a_rollout: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_group: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let gi = d.begin + wg * 64u + lid;
  if (gi >= d.end) { return; }
  let gs = u32(bitcast<i32>(a_group[(gi) * 4u + 0u - d.base_a_group]));
  let n = u32(bitcast<i32>(a_group[(gi) * 4u + 1u - d.base_a_group]));
  let v9: i32 = bitcast<i32>(a_scalar[1u]);
  let v15: f32 = bitcast<f32>(a_scalar[2u]);
      var k0 = 0u;
      var x01 = 0.0f;
      for (var jj2 = 0u; jj2 < n; jj2++) {
        let rm3 = gs + jj2;
        let v4: bool = (a_rollout[(rm3) * 6u + 5u - d.base_a_rollout] != 0u);
        let v5: f32 = select(0.0f, 1.0f, v4);
        let v6: i32 = bitcast<i32>(a_rollout[(rm3) * 6u + 4u - d.base_a_rollout]);
        let v7: f32 = f32(v6);
        let v8: i32 = bitcast<i32>(a_rollout[(rm3) * 6u + 3u - d.base_a_rollout]);
        let v10: i32 = (v8 - v9);
        let v11: i32 = (v10 + 1i);
        let v12: f32 = f32(v11);
        let v13: f32 = (v7 / v12);
        let v14: f32 = (1f - v13);
        let v16: f32 = (v14 * v15);
        let v17: bool = (v11 <= 0i);
        let v18: f32 = select(v16, 0f, v17);
        let v19: f32 = (v5 + v18);
        if (true) {
          if (k0 == 0u) { x01 = rc_shift(f32(v19)); }
          k0 = k0 + 1u;
        }
      }
    rc_begin();
    for (var jj20 = 0u; jj20 < n; jj20++) {
      let rm21 = gs + jj20;
      let v22: bool = (a_rollout[(rm21) * 6u + 5u - d.base_a_rollout] != 0u);
      let v23: f32 = select(0.0f, 1.0f, v22);
      let v24: i32 = bitcast<i32>(a_rollout[(rm21) * 6u + 4u - d.base_a_rollout]);
      let v25: f32 = f32(v24);
      let v26: i32 = bitcast<i32>(a_rollout[(rm21) * 6u + 3u - d.base_a_rollout]);
      let v27: i32 = (v26 - v9);
      let v28: i32 = (v27 + 1i);
      let v29: f32 = f32(v28);
      let v30: f32 = (v25 / v29);
      let v31: f32 = (1f - v30);
      let v32: f32 = (v31 * v15);
      let v33: bool = (v28 <= 0i);
      let v34: f32 = select(v32, 0f, v33);
      let v35: f32 = (v23 + v34);
      rc_push(select(0.0f, f32(v35) - x01, true));
    }
    let sum36 = rc_finish();
    let mean37 = sum36 / f32(max(k0, 1u));
      a_group[(gi) * 4u + 2u - d.base_a_group] = bitcast<u32>(select(x01 + mean37, 0.0f, k0 == 0u));
      var k38 = 0u;
      var x039 = 0.0f;
      for (var jj40 = 0u; jj40 < n; jj40++) {
        let rm41 = gs + jj40;
        let v42: bool = (a_rollout[(rm41) * 6u + 5u - d.base_a_rollout] != 0u);
        let v43: f32 = select(0.0f, 1.0f, v42);
        let v44: i32 = bitcast<i32>(a_rollout[(rm41) * 6u + 4u - d.base_a_rollout]);
        let v45: f32 = f32(v44);
        let v46: i32 = bitcast<i32>(a_rollout[(rm41) * 6u + 3u - d.base_a_rollout]);
        let v47: i32 = (v46 - v9);
        let v48: i32 = (v47 + 1i);
        let v49: f32 = f32(v48);
        let v50: f32 = (v45 / v49);
        let v51: f32 = (1f - v50);
        let v52: f32 = (v51 * v15);
        let v53: bool = (v48 <= 0i);
        let v54: f32 = select(v52, 0f, v53);
        let v55: f32 = (v43 + v54);
        if (true) {
          if (k38 == 0u) { x039 = rc_shift(f32(v55)); }
          k38 = k38 + 1u;
        }
      }
    rc_begin();
    for (var jj56 = 0u; jj56 < n; jj56++) {
      let rm57 = gs + jj56;
      let v58: bool = (a_rollout[(rm57) * 6u + 5u - d.base_a_rollout] != 0u);
      let v59: f32 = select(0.0f, 1.0f, v58);
      let v60: i32 = bitcast<i32>(a_rollout[(rm57) * 6u + 4u - d.base_a_rollout]);
      let v61: f32 = f32(v60);
      let v62: i32 = bitcast<i32>(a_rollout[(rm57) * 6u + 3u - d.base_a_rollout]);
      let v63: i32 = (v62 - v9);
      let v64: i32 = (v63 + 1i);
      let v65: f32 = f32(v64);
      let v66: f32 = (v61 / v65);
      let v67: f32 = (1f - v66);
      let v68: f32 = (v67 * v15);
      let v69: bool = (v64 <= 0i);
      let v70: f32 = select(v68, 0f, v69);
      let v71: f32 = (v59 + v70);
      rc_push(select(0.0f, f32(v71) - x039, true));
    }
    let sum72 = rc_finish();
    let mean73 = sum72 / f32(max(k38, 1u));
    rc_begin();
    for (var jj74 = 0u; jj74 < n; jj74++) {
      let rm75 = gs + jj74;
      let v77: bool = (a_rollout[(rm75) * 6u + 5u - d.base_a_rollout] != 0u);
      let v78: f32 = select(0.0f, 1.0f, v77);
      let v79: i32 = bitcast<i32>(a_rollout[(rm75) * 6u + 4u - d.base_a_rollout]);
      let v80: f32 = f32(v79);
      let v81: i32 = bitcast<i32>(a_rollout[(rm75) * 6u + 3u - d.base_a_rollout]);
      let v82: i32 = (v81 - v9);
      let v83: i32 = (v82 + 1i);
      let v84: f32 = f32(v83);
      let v85: f32 = (v80 / v84);
      let v86: f32 = (1f - v85);
      let v87: f32 = (v86 * v15);
      let v88: bool = (v83 <= 0i);
      let v89: f32 = select(v87, 0f, v88);
      let v90: f32 = (v78 + v89);
      let dv76 = (f32(v90) - x039) - mean73;
      rc_push(select(0.0f, dv76 * dv76, true));
    }
    let sum91 = rc_finish();
      a_group[(gi) * 4u + 3u - d.base_a_group] = bitcast<u32>(sqrt(select(sum91 / f32(k38 - 1u), 0.0f, k38 <= 1u)));
}


// ---- kernel batch_33_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_33_fetch_blocks` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blk = d.begin + wg;
  if (blk >= d.end) { return; }
  let item = blk * 256u + lid;
  let v4: i32 = bitcast<i32>(a_scalar[1u]);
  let v10: f32 = bitcast<f32>(a_scalar[2u]);
  if (item < d.count) {
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 6u + 0u - d.base_a_rollout]));
    let v1: i32 = bitcast<i32>(a_rollout[(item) * 6u + 4u - d.base_a_rollout]);
    let v2: f32 = f32(v1);
    let v3: i32 = bitcast<i32>(a_rollout[(item) * 6u + 3u - d.base_a_rollout]);
    let v5: i32 = (v3 - v4);
    let v6: i32 = (v5 + 1i);
    let v7: f32 = f32(v6);
    let v8: f32 = (v2 / v7);
    let v9: f32 = (1f - v8);
    let v11: f32 = (v9 * v10);
    let v12: bool = (v6 <= 0i);
    let v13: f32 = select(v11, 0f, v12);
    if (bitcast<i32>(a_scalar[9u]) > 0i && item == u32(bitcast<i32>(a_scalar[10u]))) { a_scalar[11u] = bitcast<u32>(rc_shift(f32(v13))); }
  }
}


// ---- kernel batch_33_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_33_shifted_blocks` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blk = d.begin + wg;
  if (blk >= d.end) { return; }
  let item = blk * 256u + lid;
  let v4: i32 = bitcast<i32>(a_scalar[1u]);
  let v10: f32 = bitcast<f32>(a_scalar[2u]);
  wf[lid] = 0.0f;
  if (item < d.count) {
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 6u + 0u - d.base_a_rollout]));
    let v1: i32 = bitcast<i32>(a_rollout[(item) * 6u + 4u - d.base_a_rollout]);
    let v2: f32 = f32(v1);
    let v3: i32 = bitcast<i32>(a_rollout[(item) * 6u + 3u - d.base_a_rollout]);
    let v5: i32 = (v3 - v4);
    let v6: i32 = (v5 + 1i);
    let v7: f32 = f32(v6);
    let v8: f32 = (v2 / v7);
    let v9: f32 = (1f - v8);
    let v11: f32 = (v9 * v10);
    let v12: bool = (v6 <= 0i);
    let v13: f32 = select(v11, 0f, v12);
    if (true) { wf[lid] = f32(v13) - bitcast<f32>(a_scalar[11u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_33_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_33_shifted_combine` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_scalar: u32, pad5: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blocks = d.end;
  rc_begin();
  var total_u = 0u;
  var first_i = 2147483647i;
  var ext_f = rc_bits(0xff800000u);
  var ext_i = i32(-2147483647 - 1);
  for (var c = 0u; c < blocks; c = c + 256u) {
    let j = c + lid;
    wf[lid] = select(0.0f, bitcast<f32>(a_partials[j * 1u + 0u]), j < blocks);
    for (var st = 1u; st < 256u; st = st << 1u) {
      workgroupBarrier();
      if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
    }
    workgroupBarrier();
    if (lid == 0u) { rc_push(wf[0]); }
    workgroupBarrier();
  }
  if (lid == 0u) {
    a_scalar[8u] = bitcast<u32>(select(bitcast<f32>(a_scalar[11u]) + rc_finish() / f32(max(bitcast<i32>(a_scalar[9u]), 1i)), 0.0f, bitcast<i32>(a_scalar[9u]) == 0i));
  }
}


// ---- kernel batch_36_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_36_fetch_blocks` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blk = d.begin + wg;
  if (blk >= d.end) { return; }
  let item = blk * 256u + lid;
  let v4: i32 = bitcast<i32>(a_scalar[1u]);
  let v10: f32 = bitcast<f32>(a_scalar[2u]);
  if (item < d.count) {
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 6u + 0u - d.base_a_rollout]));
    let v1: i32 = bitcast<i32>(a_rollout[(item) * 6u + 4u - d.base_a_rollout]);
    let v2: f32 = f32(v1);
    let v3: i32 = bitcast<i32>(a_rollout[(item) * 6u + 3u - d.base_a_rollout]);
    let v5: i32 = (v3 - v4);
    let v6: i32 = (v5 + 1i);
    let v7: f32 = f32(v6);
    let v8: f32 = (v2 / v7);
    let v9: f32 = (1f - v8);
    let v11: f32 = (v9 * v10);
    let v12: bool = (v6 <= 0i);
    let v13: f32 = select(v11, 0f, v12);
    let v14: bool = (v13 < 0f);
    let v15: f32 = select(0.0f, 1.0f, v14);
    if (bitcast<i32>(a_scalar[14u]) > 0i && item == u32(bitcast<i32>(a_scalar[15u]))) { a_scalar[16u] = bitcast<u32>(rc_shift(f32(v15))); }
  }
}


// ---- kernel batch_36_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_36_shifted_blocks` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blk = d.begin + wg;
  if (blk >= d.end) { return; }
  let item = blk * 256u + lid;
  let v4: i32 = bitcast<i32>(a_scalar[1u]);
  let v10: f32 = bitcast<f32>(a_scalar[2u]);
  wf[lid] = 0.0f;
  if (item < d.count) {
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 6u + 0u - d.base_a_rollout]));
    let v1: i32 = bitcast<i32>(a_rollout[(item) * 6u + 4u - d.base_a_rollout]);
    let v2: f32 = f32(v1);
    let v3: i32 = bitcast<i32>(a_rollout[(item) * 6u + 3u - d.base_a_rollout]);
    let v5: i32 = (v3 - v4);
    let v6: i32 = (v5 + 1i);
    let v7: f32 = f32(v6);
    let v8: f32 = (v2 / v7);
    let v9: f32 = (1f - v8);
    let v11: f32 = (v9 * v10);
    let v12: bool = (v6 <= 0i);
    let v13: f32 = select(v11, 0f, v12);
    let v14: bool = (v13 < 0f);
    let v15: f32 = select(0.0f, 1.0f, v14);
    if (true) { wf[lid] = f32(v15) - bitcast<f32>(a_scalar[16u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_36_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_36_shifted_combine` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_scalar: u32, pad5: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_scalar: array<u32>;
var<workgroup> wf: array<f32, 256>;
var<workgroup> wu: array<u32, 256>;
var<workgroup> wi: array<i32, 256>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let blocks = d.end;
  rc_begin();
  var total_u = 0u;
  var first_i = 2147483647i;
  var ext_f = rc_bits(0xff800000u);
  var ext_i = i32(-2147483647 - 1);
  for (var c = 0u; c < blocks; c = c + 256u) {
    let j = c + lid;
    wf[lid] = select(0.0f, bitcast<f32>(a_partials[j * 1u + 0u]), j < blocks);
    for (var st = 1u; st < 256u; st = st << 1u) {
      workgroupBarrier();
      if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
    }
    workgroupBarrier();
    if (lid == 0u) { rc_push(wf[0]); }
    workgroupBarrier();
  }
  if (lid == 0u) {
    a_scalar[13u] = bitcast<u32>(select(bitcast<f32>(a_scalar[16u]) + rc_finish() / f32(max(bitcast<i32>(a_scalar[14u]), 1i)), 0.0f, bitcast<i32>(a_scalar[14u]) == 0i));
  }
}


// ---- kernel output: workgroup 64, over rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `rollout`
//   binding 2: storage arena `scalar`
//   binding 3: storage arena `out`
//   binding 4: storage arena `group`
// rewardc kernel `output` of spec `repetition_penalty`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_rollout: u32, base_a_scalar: u32, base_a_out: u32, base_a_group: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_scalar: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_out: array<u32>;
@group(0) @binding(4) var<storage, read_write> a_group: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let r = d.begin + wg * 64u + lid;
  if (r >= d.end) { return; }
  let v5: i32 = bitcast<i32>(a_scalar[1u]);
  let v11: f32 = bitcast<f32>(a_scalar[2u]);
  let g = u32(bitcast<i32>(a_rollout[(r) * 6u + 0u - d.base_a_rollout]));
  let v0: bool = (a_rollout[(r) * 6u + 5u - d.base_a_rollout] != 0u);
  let v1: f32 = select(0.0f, 1.0f, v0);
  let v2: i32 = bitcast<i32>(a_rollout[(r) * 6u + 4u - d.base_a_rollout]);
  let v3: f32 = f32(v2);
  let v4: i32 = bitcast<i32>(a_rollout[(r) * 6u + 3u - d.base_a_rollout]);
  let v6: i32 = (v4 - v5);
  let v7: i32 = (v6 + 1i);
  let v8: f32 = f32(v7);
  let v9: f32 = (v3 / v8);
  let v10: f32 = (1f - v9);
  let v12: f32 = (v10 * v11);
  let v13: bool = (v7 <= 0i);
  let v14: f32 = select(v12, 0f, v13);
  let v15: f32 = (v1 + v14);
  a_out[(r) * 2u + 0u - d.base_a_out] = bitcast<u32>(v15);
  let v16: f32 = bitcast<f32>(a_group[(g) * 4u + 2u - d.base_a_group]);
  let v17: f32 = (v15 - v16);
  let v18: f32 = bitcast<f32>(a_group[(g) * 4u + 3u - d.base_a_group]);
  let v19: f32 = (v18 + 0.000001f);
  let v20: f32 = (v17 / v19);
  let v21: f32 = (v15 / 1.000001f);
  let v22: i32 = bitcast<i32>(a_group[(g) * 4u + 1u - d.base_a_group]);
  let v23: bool = (v22 == 1i);
  let v24: f32 = select(v20, v21, v23);
  a_out[(r) * 2u + 1u - d.base_a_out] = bitcast<u32>(v24);
}
