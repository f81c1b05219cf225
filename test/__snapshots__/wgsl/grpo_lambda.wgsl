// spec `grpo_lambda`: 14 kernels, run in this order

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

// ---- kernel group_s1: workgroup W (a power of two covering the largest group, at most 256), over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
// rewardc kernel `group_s1` of spec `grpo_lambda`
override W: u32 = 64u;
struct Dispatch { begin: u32, end: u32, count: u32, base_a_group: u32, base_a_rollout: u32, pad5: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_group: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
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
  if (lid == 0u) { ws = u32(bitcast<i32>(a_group[(gi) * 7u + 0u - d.base_a_group])); wn = u32(bitcast<i32>(a_group[(gi) * 7u + 1u - d.base_a_group])); }
  let gs = workgroupUniformLoad(&ws);
  let n = workgroupUniformLoad(&wn);
  workgroupBarrier();
    if (lid == 0u) {
      var acc0: i32 = 0i;
      var seen1 = false;
      for (var jj2 = 0u; jj2 < n; jj2++) {
        let rm3 = gs + jj2;
        let v4: i32 = bitcast<i32>(a_rollout[(rm3) * 3u + 1u - d.base_a_rollout]);
        if (true) {
          if (!seen1) { acc0 = v4; } else { acc0 = min(acc0, v4); }
          seen1 = true;
        }
      }
      a_group[(gi) * 7u + 2u - d.base_a_group] = bitcast<u32>(acc0);
    }
    if (lid == 0u) {
      var acc5: i32 = 0i;
      var seen6 = false;
      for (var jj7 = 0u; jj7 < n; jj7++) {
        let rm8 = gs + jj7;
        let v9: i32 = bitcast<i32>(a_rollout[(rm8) * 3u + 1u - d.base_a_rollout]);
        if (true) {
          if (!seen6) { acc5 = v9; } else { acc5 = max(acc5, v9); }
          seen6 = true;
        }
      }
      a_group[(gi) * 7u + 3u - d.base_a_group] = bitcast<u32>(acc5);
    }
    if (lid == 0u) {
      var k10 = 0u;
      var x011 = 0.0f;
      for (var jj12 = 0u; jj12 < n; jj12++) {
        let rm13 = gs + jj12;
        let v14: bool = (a_rollout[(rm13) * 3u + 2u - d.base_a_rollout] != 0u);
        let v15: f32 = select(0.0f, 1.0f, v14);
        if (true) {
          if (k10 == 0u) { x011 = rc_shift(f32(v15)); }
          k10 = k10 + 1u;
        }
      }
      wn = k10;
      wx = x011;
    }
    let cnt16 = workgroupUniformLoad(&wn);
    let sh17 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    rc_begin();
    for (var c18 = 0u; c18 < n; c18 = c18 + W) {
      let j19 = c18 + lid;
      var t20 = 0.0f;
      if (j19 < n) {
        let rm21 = gs + j19;
        let v22: bool = (a_rollout[(rm21) * 3u + 2u - d.base_a_rollout] != 0u);
        let v23: f32 = select(0.0f, 1.0f, v22);
        t20 = select(0.0f, f32(v23) - sh17, true);
      }
      wf[lid] = t20;
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
    let bf24 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    let mean25 = bf24 / f32(max(cnt16, 1u));
    if (lid == 0u) {
      a_group[(gi) * 7u + 4u - d.base_a_group] = bitcast<u32>(select(sh17 + mean25, 0.0f, cnt16 == 0u));
    }
}


// ---- kernel group_s1_small: workgroup 64, over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
// rewardc kernel `group_s1_small` of spec `grpo_lambda`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_group: u32, base_a_rollout: u32, pad5: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_group: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let gi = d.begin + wg * 64u + lid;
  if (gi >= d.end) { return; }
  let gs = u32(bitcast<i32>(a_group[(gi) * 7u + 0u - d.base_a_group]));
  let n = u32(bitcast<i32>(a_group[(gi) * 7u + 1u - d.base_a_group]));
      var acc0: i32 = 0i;
      var seen1 = false;
      for (var jj2 = 0u; jj2 < n; jj2++) {
        let rm3 = gs + jj2;
        let v4: i32 = bitcast<i32>(a_rollout[(rm3) * 3u + 1u - d.base_a_rollout]);
        if (true) {
          if (!seen1) { acc0 = v4; } else { acc0 = min(acc0, v4); }
          seen1 = true;
        }
      }
      a_group[(gi) * 7u + 2u - d.base_a_group] = bitcast<u32>(acc0);
      var acc5: i32 = 0i;
      var seen6 = false;
      for (var jj7 = 0u; jj7 < n; jj7++) {
        let rm8 = gs + jj7;
        let v9: i32 = bitcast<i32>(a_rollout[(rm8) * 3u + 1u - d.base_a_rollout]);
        if (true) {
          if (!seen6) { acc5 = v9; } else { acc5 = max(acc5, v9); }
          seen6 = true;
        }
      }
      a_group[(gi) * 7u + 3u - d.base_a_group] = bitcast<u32>(acc5);
      var k10 = 0u;
      var x011 = 0.0f;
      for (var jj12 = 0u; jj12 < n; jj12++) {
        let rm13 = gs + jj12;
        let v14: bool = (a_rollout[(rm13) * 3u + 2u - d.base_a_rollout] != 0u);
        let v15: f32 = select(0.0f, 1.0f, v14);
        if (true) {
          if (k10 == 0u) { x011 = rc_shift(f32(v15)); }
          k10 = k10 + 1u;
        }
      }
    rc_begin();
    for (var jj16 = 0u; jj16 < n; jj16++) {
      let rm17 = gs + jj16;
      let v18: bool = (a_rollout[(rm17) * 3u + 2u - d.base_a_rollout] != 0u);
      let v19: f32 = select(0.0f, 1.0f, v18);
      rc_push(select(0.0f, f32(v19) - x011, true));
    }
    let sum20 = rc_finish();
    let mean21 = sum20 / f32(max(k10, 1u));
      a_group[(gi) * 7u + 4u - d.base_a_group] = bitcast<u32>(select(x011 + mean21, 0.0f, k10 == 0u));
}


// ---- kernel batch_36_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_36_fetch_blocks` of spec `grpo_lambda`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 3u + 0u - d.base_a_rollout]));
    let v1: bool = (a_rollout[(item) * 3u + 2u - d.base_a_rollout] != 0u);
    let v2: f32 = select(0.0f, 1.0f, v1);
    if (bitcast<i32>(a_scalar[3u]) > 0i && item == u32(bitcast<i32>(a_scalar[4u]))) { a_scalar[5u] = bitcast<u32>(rc_shift(f32(v2))); }
  }
}


// ---- kernel batch_36_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_36_shifted_blocks` of spec `grpo_lambda`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 3u + 0u - d.base_a_rollout]));
    let v1: bool = (a_rollout[(item) * 3u + 2u - d.base_a_rollout] != 0u);
    let v2: f32 = select(0.0f, 1.0f, v1);
    if (true) { wf[lid] = f32(v2) - bitcast<f32>(a_scalar[5u]); }
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
// rewardc kernel `batch_36_shifted_combine` of spec `grpo_lambda`
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
    a_scalar[2u] = bitcast<u32>(select(bitcast<f32>(a_scalar[5u]) + rc_finish() / f32(max(bitcast<i32>(a_scalar[3u]), 1i)), 0.0f, bitcast<i32>(a_scalar[3u]) == 0i));
  }
}


// ---- kernel batch_38_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_38_fetch_blocks` of spec `grpo_lambda`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 3u + 0u - d.base_a_rollout]));
    let v1: i32 = bitcast<i32>(a_rollout[(item) * 3u + 1u - d.base_a_rollout]);
    let v2: f32 = f32(v1);
    if (bitcast<i32>(a_scalar[8u]) > 0i && item == u32(bitcast<i32>(a_scalar[9u]))) { a_scalar[10u] = bitcast<u32>(rc_shift(f32(v2))); }
  }
}


// ---- kernel batch_38_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_38_shifted_blocks` of spec `grpo_lambda`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 3u + 0u - d.base_a_rollout]));
    let v1: i32 = bitcast<i32>(a_rollout[(item) * 3u + 1u - d.base_a_rollout]);
    let v2: f32 = f32(v1);
    if (true) { wf[lid] = f32(v2) - bitcast<f32>(a_scalar[10u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_38_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_38_shifted_combine` of spec `grpo_lambda`
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
    a_scalar[7u] = bitcast<u32>(select(bitcast<f32>(a_scalar[10u]) + rc_finish() / f32(max(bitcast<i32>(a_scalar[8u]), 1i)), 0.0f, bitcast<i32>(a_scalar[8u]) == 0i));
  }
}


// ---- kernel group_s2: workgroup W (a power of two covering the largest group, at most 256), over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `group_s2` of spec `grpo_lambda`
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
  if (lid == 0u) { ws = u32(bitcast<i32>(a_group[(gi) * 7u + 0u - d.base_a_group])); wn = u32(bitcast<i32>(a_group[(gi) * 7u + 1u - d.base_a_group])); }
  let gs = workgroupUniformLoad(&ws);
  let n = workgroupUniformLoad(&wn);
  workgroupBarrier();
  let v7: i32 = bitcast<i32>(a_group[(gi) * 7u + 2u - d.base_a_group]);
  let v10: i32 = bitcast<i32>(a_group[(gi) * 7u + 3u - d.base_a_group]);
  let v11: i32 = (v10 - v7);
  let v12: f32 = f32(v11);
  let v15: bool = (v11 == 0i);
  let v20: f32 = bitcast<f32>(a_group[(gi) * 7u + 4u - d.base_a_group]);
  let v21: f32 = bitcast<f32>(a_scalar[1u]);
  let v22: bool = (v20 >= v21);
    if (lid == 0u) {
      var k0 = 0u;
      var x01 = 0.0f;
      for (var jj2 = 0u; jj2 < n; jj2++) {
        let rm3 = gs + jj2;
        let v4: bool = (a_rollout[(rm3) * 3u + 2u - d.base_a_rollout] != 0u);
        let v5: f32 = select(0.0f, 1.0f, v4);
        let v6: i32 = bitcast<i32>(a_rollout[(rm3) * 3u + 1u - d.base_a_rollout]);
        let v8: i32 = (v6 - v7);
        let v9: f32 = f32(v8);
        let v13: f32 = (v9 / v12);
        let v14: f32 = (0.5f - v13);
        let v16: f32 = select(v14, 0f, v15);
        let v17: f32 = rc_min(0f, v16);
        let v18: f32 = (1f + v16);
        let v19: f32 = select(v17, v18, v4);
        let v23: f32 = select(v5, v19, v22);
        if (true) {
          if (k0 == 0u) { x01 = rc_shift(f32(v23)); }
          k0 = k0 + 1u;
        }
      }
      wn = k0;
      wx = x01;
    }
    let cnt24 = workgroupUniformLoad(&wn);
    let sh25 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    rc_begin();
    for (var c26 = 0u; c26 < n; c26 = c26 + W) {
      let j27 = c26 + lid;
      var t28 = 0.0f;
      if (j27 < n) {
        let rm29 = gs + j27;
        let v30: bool = (a_rollout[(rm29) * 3u + 2u - d.base_a_rollout] != 0u);
        let v31: f32 = select(0.0f, 1.0f, v30);
        let v32: i32 = bitcast<i32>(a_rollout[(rm29) * 3u + 1u - d.base_a_rollout]);
        let v33: i32 = (v32 - v7);
        let v34: f32 = f32(v33);
        let v35: f32 = (v34 / v12);
        let v36: f32 = (0.5f - v35);
        let v37: f32 = select(v36, 0f, v15);
        let v38: f32 = rc_min(0f, v37);
        let v39: f32 = (1f + v37);
        let v40: f32 = select(v38, v39, v30);
        let v41: f32 = select(v31, v40, v22);
        t28 = select(0.0f, f32(v41) - sh25, true);
      }
      wf[lid] = t28;
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
    let bf42 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    let mean43 = bf42 / f32(max(cnt24, 1u));
    if (lid == 0u) {
      a_group[(gi) * 7u + 5u - d.base_a_group] = bitcast<u32>(select(sh25 + mean43, 0.0f, cnt24 == 0u));
    }
    if (lid == 0u) {
      var k44 = 0u;
      var x045 = 0.0f;
      for (var jj46 = 0u; jj46 < n; jj46++) {
        let rm47 = gs + jj46;
        let v48: bool = (a_rollout[(rm47) * 3u + 2u - d.base_a_rollout] != 0u);
        let v49: f32 = select(0.0f, 1.0f, v48);
        let v50: i32 = bitcast<i32>(a_rollout[(rm47) * 3u + 1u - d.base_a_rollout]);
        let v51: i32 = (v50 - v7);
        let v52: f32 = f32(v51);
        let v53: f32 = (v52 / v12);
        let v54: f32 = (0.5f - v53);
        let v55: f32 = select(v54, 0f, v15);
        let v56: f32 = rc_min(0f, v55);
        let v57: f32 = (1f + v55);
        let v58: f32 = select(v56, v57, v48);
        let v59: f32 = select(v49, v58, v22);
        if (true) {
          if (k44 == 0u) { x045 = rc_shift(f32(v59)); }
          k44 = k44 + 1u;
        }
      }
      wn = k44;
      wx = x045;
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
        let v66: bool = (a_rollout[(rm65) * 3u + 2u - d.base_a_rollout] != 0u);
        let v67: f32 = select(0.0f, 1.0f, v66);
        let v68: i32 = bitcast<i32>(a_rollout[(rm65) * 3u + 1u - d.base_a_rollout]);
        let v69: i32 = (v68 - v7);
        let v70: f32 = f32(v69);
        let v71: f32 = (v70 / v12);
        let v72: f32 = (0.5f - v71);
        let v73: f32 = select(v72, 0f, v15);
        let v74: f32 = rc_min(0f, v73);
        let v75: f32 = (1f + v73);
        let v76: f32 = select(v74, v75, v66);
        let v77: f32 = select(v67, v76, v22);
        t64 = select(0.0f, f32(v77) - sh61, true);
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
    let bf78 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    let mean79 = bf78 / f32(max(cnt60, 1u));
    rc_begin();
    for (var c80 = 0u; c80 < n; c80 = c80 + W) {
      let j81 = c80 + lid;
      var t82 = 0.0f;
      if (j81 < n) {
        let rm83 = gs + j81;
        let v85: bool = (a_rollout[(rm83) * 3u + 2u - d.base_a_rollout] != 0u);
        let v86: f32 = select(0.0f, 1.0f, v85);
        let v87: i32 = bitcast<i32>(a_rollout[(rm83) * 3u + 1u - d.base_a_rollout]);
        let v88: i32 = (v87 - v7);
        let v89: f32 = f32(v88);
        let v90: f32 = (v89 / v12);
        let v91: f32 = (0.5f - v90);
        let v92: f32 = select(v91, 0f, v15);
        let v93: f32 = rc_min(0f, v92);
        let v94: f32 = (1f + v92);
        let v95: f32 = select(v93, v94, v85);
        let v96: f32 = select(v86, v95, v22);
        let dv84 = (f32(v96) - sh61) - mean79;
        t82 = select(0.0f, dv84 * dv84, true);
      }
      wf[lid] = t82;
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
    let bf97 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    if (lid == 0u) {
      a_group[(gi) * 7u + 6u - d.base_a_group] = bitcast<u32>(sqrt(select(bf97 / f32(cnt60 - 1u), 0.0f, cnt60 <= 1u)));
    }
}


// ---- kernel group_s2_small: workgroup 64, over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `group_s2_small` of spec `grpo_lambda`
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
  let gs = u32(bitcast<i32>(a_group[(gi) * 7u + 0u - d.base_a_group]));
  let n = u32(bitcast<i32>(a_group[(gi) * 7u + 1u - d.base_a_group]));
  let v7: i32 = bitcast<i32>(a_group[(gi) * 7u + 2u - d.base_a_group]);
  let v10: i32 = bitcast<i32>(a_group[(gi) * 7u + 3u - d.base_a_group]);
  let v11: i32 = (v10 - v7);
  let v12: f32 = f32(v11);
  let v15: bool = (v11 == 0i);
  let v20: f32 = bitcast<f32>(a_group[(gi) * 7u + 4u - d.base_a_group]);
  let v21: f32 = bitcast<f32>(a_scalar[1u]);
  let v22: bool = (v20 >= v21);
      var k0 = 0u;
      var x01 = 0.0f;
      for (var jj2 = 0u; jj2 < n; jj2++) {
        let rm3 = gs + jj2;
        let v4: bool = (a_rollout[(rm3) * 3u + 2u - d.base_a_rollout] != 0u);
        let v5: f32 = select(0.0f, 1.0f, v4);
        let v6: i32 = bitcast<i32>(a_rollout[(rm3) * 3u + 1u - d.base_a_rollout]);
        let v8: i32 = (v6 - v7);
        let v9: f32 = f32(v8);
        let v13: f32 = (v9 / v12);
        let v14: f32 = (0.5f - v13);
        let v16: f32 = select(v14, 0f, v15);
        let v17: f32 = rc_min(0f, v16);
        let v18: f32 = (1f + v16);
        let v19: f32 = select(v17, v18, v4);
        let v23: f32 = select(v5, v19, v22);
        if (true) {
          if (k0 == 0u) { x01 = rc_shift(f32(v23)); }
          k0 = k0 + 1u;
        }
      }
    rc_begin();
    for (var jj24 = 0u; jj24 < n; jj24++) {
      let rm25 = gs + jj24;
      let v26: bool = (a_rollout[(rm25) * 3u + 2u - d.base_a_rollout] != 0u);
      let v27: f32 = select(0.0f, 1.0f, v26);
      let v28: i32 = bitcast<i32>(a_rollout[(rm25) * 3u + 1u - d.base_a_rollout]);
      let v29: i32 = (v28 - v7);
      let v30: f32 = f32(v29);
      let v31: f32 = (v30 / v12);
      let v32: f32 = (0.5f - v31);
      let v33: f32 = select(v32, 0f, v15);
      let v34: f32 = rc_min(0f, v33);
      let v35: f32 = (1f + v33);
      let v36: f32 = select(v34, v35, v26);
      let v37: f32 = select(v27, v36, v22);
      rc_push(select(0.0f, f32(v37) - x01, true));
    }
    let sum38 = rc_finish();
    let mean39 = sum38 / f32(max(k0, 1u));
      a_group[(gi) * 7u + 5u - d.base_a_group] = bitcast<u32>(select(x01 + mean39, 0.0f, k0 == 0u));
      var k40 = 0u;
      var x041 = 0.0f;
      for (var jj42 = 0u; jj42 < n; jj42++) {
        let rm43 = gs + jj42;
        let v44: bool = (a_rollout[(rm43) * 3u + 2u - d.base_a_rollout] != 0u);
        let v45: f32 = select(0.0f, 1.0f, v44);
        let v46: i32 = bitcast<i32>(a_rollout[(rm43) * 3u + 1u - d.base_a_rollout]);
        let v47: i32 = (v46 - v7);
        let v48: f32 = f32(v47);
        let v49: f32 = (v48 / v12);
        let v50: f32 = (0.5f - v49);
        let v51: f32 = select(v50, 0f, v15);
        let v52: f32 = rc_min(0f, v51);
        let v53: f32 = (1f + v51);
        let v54: f32 = select(v52, v53, v44);
        let v55: f32 = select(v45, v54, v22);
        if (true) {
          if (k40 == 0u) { x041 = rc_shift(f32(v55)); }
          k40 = k40 + 1u;
        }
      }
    rc_begin();
    for (var jj56 = 0u; jj56 < n; jj56++) {
      let rm57 = gs + jj56;
      let v58: bool = (a_rollout[(rm57) * 3u + 2u - d.base_a_rollout] != 0u);
      let v59: f32 = select(0.0f, 1.0f, v58);
      let v60: i32 = bitcast<i32>(a_rollout[(rm57) * 3u + 1u - d.base_a_rollout]);
      let v61: i32 = (v60 - v7);
      let v62: f32 = f32(v61);
      let v63: f32 = (v62 / v12);
      let v64: f32 = (0.5f - v63);
      let v65: f32 = select(v64, 0f, v15);
      let v66: f32 = rc_min(0f, v65);
      let v67: f32 = (1f + v65);
      let v68: f32 = select(v66, v67, v58);
      let v69: f32 = select(v59, v68, v22);
      rc_push(select(0.0f, f32(v69) - x041, true));
    }
    let sum70 = rc_finish();
    let mean71 = sum70 / f32(max(k40, 1u));
    rc_begin();
    for (var jj72 = 0u; jj72 < n; jj72++) {
      let rm73 = gs + jj72;
      let v75: bool = (a_rollout[(rm73) * 3u + 2u - d.base_a_rollout] != 0u);
      let v76: f32 = select(0.0f, 1.0f, v75);
      let v77: i32 = bitcast<i32>(a_rollout[(rm73) * 3u + 1u - d.base_a_rollout]);
      let v78: i32 = (v77 - v7);
      let v79: f32 = f32(v78);
      let v80: f32 = (v79 / v12);
      let v81: f32 = (0.5f - v80);
      let v82: f32 = select(v81, 0f, v15);
      let v83: f32 = rc_min(0f, v82);
      let v84: f32 = (1f + v82);
      let v85: f32 = select(v83, v84, v75);
      let v86: f32 = select(v76, v85, v22);
      let dv74 = (f32(v86) - x041) - mean71;
      rc_push(select(0.0f, dv74 * dv74, true));
    }
    let sum87 = rc_finish();
      a_group[(gi) * 7u + 6u - d.base_a_group] = bitcast<u32>(sqrt(select(sum87 / f32(k40 - 1u), 0.0f, k40 <= 1u)));
}


// ---- kernel batch_40_fetch_blocks: workgroup 256, over blocks of 256 groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
//   binding 3: storage arena `group`
// rewardc kernel `batch_40_fetch_blocks` of spec `grpo_lambda`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_scalar: u32, base_a_group: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_scalar: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_group: array<u32>;
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
  let v1: f32 = bitcast<f32>(a_scalar[1u]);
  if (item < d.count) {
    let v0: f32 = bitcast<f32>(a_group[(item) * 7u + 4u - d.base_a_group]);
    let v2: bool = (v0 >= v1);
    let v3: f32 = select(0.0f, 1.0f, v2);
    if (bitcast<i32>(a_scalar[13u]) > 0i && item == u32(bitcast<i32>(a_scalar[14u]))) { a_scalar[15u] = bitcast<u32>(rc_shift(f32(v3))); }
  }
}


// ---- kernel batch_40_shifted_blocks: workgroup 256, over blocks of 256 groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
//   binding 3: storage arena `group`
// rewardc kernel `batch_40_shifted_blocks` of spec `grpo_lambda`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_scalar: u32, base_a_group: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_scalar: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_group: array<u32>;
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
  let v1: f32 = bitcast<f32>(a_scalar[1u]);
  wf[lid] = 0.0f;
  if (item < d.count) {
    let v0: f32 = bitcast<f32>(a_group[(item) * 7u + 4u - d.base_a_group]);
    let v2: bool = (v0 >= v1);
    let v3: f32 = select(0.0f, 1.0f, v2);
    if (true) { wf[lid] = f32(v3) - bitcast<f32>(a_scalar[15u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_40_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_40_shifted_combine` of spec `grpo_lambda`
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
    a_scalar[12u] = bitcast<u32>(select(bitcast<f32>(a_scalar[15u]) + rc_finish() / f32(max(bitcast<i32>(a_scalar[13u]), 1i)), 0.0f, bitcast<i32>(a_scalar[13u]) == 0i));
  }
}


// ---- kernel output: workgroup 64, over rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `rollout`
//   binding 2: storage arena `group`
//   binding 3: storage arena `scalar`
//   binding 4: storage arena `out`
// rewardc kernel `output` of spec `grpo_lambda`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_rollout: u32, base_a_group: u32, base_a_scalar: u32, base_a_out: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_group: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
@group(0) @binding(4) var<storage, read_write> a_out: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let r = d.begin + wg * 64u + lid;
  if (r >= d.end) { return; }
  let v17: f32 = bitcast<f32>(a_scalar[1u]);
  let g = u32(bitcast<i32>(a_rollout[(r) * 3u + 0u - d.base_a_rollout]));
  let v0: bool = (a_rollout[(r) * 3u + 2u - d.base_a_rollout] != 0u);
  let v1: f32 = select(0.0f, 1.0f, v0);
  let v2: i32 = bitcast<i32>(a_rollout[(r) * 3u + 1u - d.base_a_rollout]);
  let v3: i32 = bitcast<i32>(a_group[(g) * 7u + 2u - d.base_a_group]);
  let v4: i32 = (v2 - v3);
  let v5: f32 = f32(v4);
  let v6: i32 = bitcast<i32>(a_group[(g) * 7u + 3u - d.base_a_group]);
  let v7: i32 = (v6 - v3);
  let v8: f32 = f32(v7);
  let v9: f32 = (v5 / v8);
  let v10: f32 = (0.5f - v9);
  let v11: bool = (v7 == 0i);
  let v12: f32 = select(v10, 0f, v11);
  let v13: f32 = rc_min(0f, v12);
  let v14: f32 = (1f + v12);
  let v15: f32 = select(v13, v14, v0);
  let v16: f32 = bitcast<f32>(a_group[(g) * 7u + 4u - d.base_a_group]);
  let v18: bool = (v16 >= v17);
  let v19: f32 = select(v1, v15, v18);
  a_out[(r) * 2u + 0u - d.base_a_out] = bitcast<u32>(v19);
  let v20: f32 = bitcast<f32>(a_group[(g) * 7u + 5u - d.base_a_group]);
  let v21: f32 = (v19 - v20);
  let v22: f32 = bitcast<f32>(a_group[(g) * 7u + 6u - d.base_a_group]);
  let v23: f32 = (v22 + 0.000001f);
  let v24: f32 = (v21 / v23);
  let v25: f32 = (v19 / 1.000001f);
  let v26: i32 = bitcast<i32>(a_group[(g) * 7u + 1u - d.base_a_group]);
  let v27: bool = (v26 == 1i);
  let v28: f32 = select(v24, v25, v27);
  a_out[(r) * 2u + 1u - d.base_a_out] = bitcast<u32>(v28);
}
