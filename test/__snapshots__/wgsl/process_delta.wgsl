// spec `process_delta`: 15 kernels, run in this order

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

// ---- kernel axis_steps_s1: workgroup 64, over rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `rollout`
//   binding 2: storage arena `element:steps`
//   binding 3: storage arena `scalar`
// rewardc kernel `axis_steps_s1` of spec `process_delta`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_rollout: u32, base_a_element_steps: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_element_steps: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let r = d.begin + wg * 64u + lid;
  if (r >= d.end) { return; }
  let v22: f32 = bitcast<f32>(a_scalar[1u]);
  let g = u32(bitcast<i32>(a_rollout[(r) * 9u + 0u - d.base_a_rollout]));
  let es = u32(bitcast<i32>(a_rollout[(r) * 9u + 1u - d.base_a_rollout]));
  let el = u32(bitcast<i32>(a_rollout[(r) * 9u + 2u - d.base_a_rollout]));
  for (var i0 = 0u; i0 < el; i0++) {
    let e1 = es + i0;
    var sv2: f32;
    if (e1 + 1u < es + el) {
      let en3 = e1 + 1u;
      let v4: f32 = bitcast<f32>(a_element_steps[(en3) * 5u + 1u - d.base_a_element_steps]);
      sv2 = v4;
    } else {
      sv2 = 0f;
    }
    a_element_steps[(e1) * 5u + 2u - d.base_a_element_steps] = bitcast<u32>(sv2);
  }
  var acc6: i32 = 0i;
  var seen7 = false;
  for (var i9 = 0u; i9 < el; i9++) {
    let e10 = es + i9;
    if (true) {
      acc6 = acc6 + 1i;
      seen7 = true;
    }
  }
  a_rollout[(r) * 9u + 3u - d.base_a_rollout] = bitcast<u32>(acc6);
  var carry11: f32 = 0.0f;
  for (var i12 = 0u; i12 < el; i12++) {
    let e13 = es + el - 1u - i12;
    let v14: f32 = bitcast<f32>(a_element_steps[(e13) * 5u + 1u - d.base_a_element_steps]);
    if (e13 == es + el - 1u || v14 < carry11 || rc_isnan(v14)) { carry11 = v14; }
    a_element_steps[(e13) * 5u + 4u - d.base_a_element_steps] = bitcast<u32>(carry11);
  }
  var acc16: i32 = -1i;
  var seen17 = false;
  for (var i19 = 0u; i19 < el; i19++) {
    let e20 = es + i19;
    let v21: f32 = bitcast<f32>(a_element_steps[(e20) * 5u + 1u - d.base_a_element_steps]);
    let v23: bool = (v21 < v22);
    if (true) {
      if (v23 && acc16 < 0i) { acc16 = i32(e20 - es); }
      seen17 = true;
    }
  }
  a_rollout[(r) * 9u + 7u - d.base_a_rollout] = bitcast<u32>(acc16);
  var acc25: bool = false;
  var seen26 = false;
  for (var i28 = 0u; i28 < el; i28++) {
    let e29 = es + i28;
    let v30: f32 = bitcast<f32>(a_element_steps[(e29) * 5u + 1u - d.base_a_element_steps]);
    let v31: bool = (v30 < v22);
    if (true) {
      if (v31) { acc25 = true; }
      seen26 = true;
    }
  }
  a_rollout[(r) * 9u + 8u - d.base_a_rollout] = select(0u, 1u, acc25);
}


// ---- kernel axis_steps_s2: workgroup 64, over rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `rollout`
//   binding 2: storage arena `element:steps`
//   binding 3: storage arena `scalar`
// rewardc kernel `axis_steps_s2` of spec `process_delta`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_rollout: u32, base_a_element_steps: u32, base_a_scalar: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_element_steps: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let r = d.begin + wg * 64u + lid;
  if (r >= d.end) { return; }
  let v8: f32 = bitcast<f32>(a_scalar[1u]);
  let v11: bool = (a_scalar[2u] != 0u);
  let g = u32(bitcast<i32>(a_rollout[(r) * 9u + 0u - d.base_a_rollout]));
  let es = u32(bitcast<i32>(a_rollout[(r) * 9u + 1u - d.base_a_rollout]));
  let el = u32(bitcast<i32>(a_rollout[(r) * 9u + 2u - d.base_a_rollout]));
  var cnt1 = 0u;
  var sh2 = 0.0f;
  for (var i3 = 0u; i3 < el; i3++) {
    let e4 = es + i3;
    let v5: f32 = bitcast<f32>(a_element_steps[(e4) * 5u + 1u - d.base_a_element_steps]);
    let v6: f32 = bitcast<f32>(a_element_steps[(e4) * 5u + 2u - d.base_a_element_steps]);
    let v7: f32 = (v5 - v6);
    let v9: f32 = (v5 - v8);
    let v10: f32 = rc_min(v9, 0f);
    let v12: f32 = select(v7, v10, v11);
    if (true) {
      if (cnt1 == 0u) { sh2 = rc_shift(f32(v12)); }
      cnt1 = cnt1 + 1u;
    }
  }
  rc_begin();
  for (var i13 = 0u; i13 < el; i13++) {
    let e14 = es + i13;
    let v15: f32 = bitcast<f32>(a_element_steps[(e14) * 5u + 1u - d.base_a_element_steps]);
    let v16: f32 = bitcast<f32>(a_element_steps[(e14) * 5u + 2u - d.base_a_element_steps]);
    let v17: f32 = (v15 - v16);
    let v18: f32 = (v15 - v8);
    let v19: f32 = rc_min(v18, 0f);
    let v20: f32 = select(v17, v19, v11);
    if (true) { rc_push(f32(v20)); } else { rc_push(0.0f); }
  }
  let res0 = rc_finish();
  a_rollout[(r) * 9u + 5u - d.base_a_rollout] = bitcast<u32>(res0);
  let v30: bool = (a_rollout[(r) * 9u + 4u - d.base_a_rollout] != 0u);
  let v31: f32 = select(0.0f, 1.0f, v30);
  let v33: i32 = bitcast<i32>(a_rollout[(r) * 9u + 3u - d.base_a_rollout]);
  let v34: i32 = (v33 - 1i);
  var carry21 = 0.0f;
  for (var i22 = 0u; i22 < el; i22++) {
    let e23 = es + el - 1u - i22;
    let v24: f32 = bitcast<f32>(a_element_steps[(e23) * 5u + 1u - d.base_a_element_steps]);
    let v25: f32 = bitcast<f32>(a_element_steps[(e23) * 5u + 2u - d.base_a_element_steps]);
    let v26: f32 = (v24 - v25);
    let v27: f32 = (v24 - v8);
    let v28: f32 = rc_min(v27, 0f);
    let v29: f32 = select(v26, v28, v11);
    let v32: i32 = i32(e23 - u32(bitcast<i32>(a_rollout[(r) * 9u + 1u - d.base_a_rollout])));
    let v35: bool = (v32 == v34);
    let v36: f32 = select(0f, v31, v35);
    let v37: f32 = (v29 + v36);
    carry21 = v37 + 1f * carry21;
    a_element_steps[(e23) * 5u + 3u - d.base_a_element_steps] = bitcast<u32>(carry21);
  }
  var acc39: f32 = 0.0f;
  var seen40 = false;
  for (var i42 = 0u; i42 < el; i42++) {
    let e43 = es + i42;
    let v44: f32 = bitcast<f32>(a_element_steps[(e43) * 5u + 4u - d.base_a_element_steps]);
    if (true) {
      if (!seen40) { acc39 = v44; }
      seen40 = true;
    }
  }
  a_rollout[(r) * 9u + 6u - d.base_a_rollout] = bitcast<u32>(acc39);
}


// ---- kernel batch_23_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_23_fetch_blocks` of spec `process_delta`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 9u + 0u - d.base_a_rollout]));
    let v1: i32 = bitcast<i32>(a_rollout[(item) * 9u + 3u - d.base_a_rollout]);
    let v2: f32 = f32(v1);
    if (bitcast<i32>(a_scalar[4u]) > 0i && item == u32(bitcast<i32>(a_scalar[5u]))) { a_scalar[6u] = bitcast<u32>(rc_shift(f32(v2))); }
  }
}


// ---- kernel batch_23_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_23_shifted_blocks` of spec `process_delta`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 9u + 0u - d.base_a_rollout]));
    let v1: i32 = bitcast<i32>(a_rollout[(item) * 9u + 3u - d.base_a_rollout]);
    let v2: f32 = f32(v1);
    if (true) { wf[lid] = f32(v2) - bitcast<f32>(a_scalar[6u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_23_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_23_shifted_combine` of spec `process_delta`
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


// ---- kernel batch_31_count_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_31_count_blocks` of spec `process_delta`
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
  wu[lid] = 0u;
  wi[lid] = 2147483647i;
  if (item < d.count) {
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 9u + 0u - d.base_a_rollout]));
    let v1: bool = (a_rollout[(item) * 9u + 8u - d.base_a_rollout] != 0u);
    if (v1) { wu[lid] = 1u; wi[lid] = i32(item); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wu[lid] = wu[lid] + wu[lid + st]; }
  }
  workgroupBarrier();
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wi[lid] = min(wi[lid], wi[lid + st]); }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 2u + 0u] = wu[0]; }
  if (lid == 0u) { a_partials[blk * 2u + 1u] = bitcast<u32>(wi[0]); }
}


// ---- kernel batch_31_count_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_31_count_combine` of spec `process_delta`
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
    wu[lid] = select(0u, a_partials[j * 2u + 0u], j < blocks);
    wi[lid] = select(2147483647i, bitcast<i32>(a_partials[j * 2u + 1u]), j < blocks);
    for (var st = 1u; st < 256u; st = st << 1u) {
      workgroupBarrier();
      if ((lid & ((st << 1u) - 1u)) == 0u) { wu[lid] = wu[lid] + wu[lid + st]; }
    }
    workgroupBarrier();
    for (var st = 1u; st < 256u; st = st << 1u) {
      workgroupBarrier();
      if ((lid & ((st << 1u) - 1u)) == 0u) { wi[lid] = min(wi[lid], wi[lid + st]); }
    }
    workgroupBarrier();
    if (lid == 0u) { total_u = total_u + wu[0]; first_i = min(first_i, wi[0]); }
    workgroupBarrier();
  }
  if (lid == 0u) {
    a_scalar[14u] = bitcast<u32>(i32(total_u));
    a_scalar[15u] = bitcast<u32>(first_i);
    a_scalar[16u] = bitcast<u32>(0.0f);
  }
}


// ---- kernel batch_31_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_31_fetch_blocks` of spec `process_delta`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 9u + 0u - d.base_a_rollout]));
    let v1: bool = (a_rollout[(item) * 9u + 8u - d.base_a_rollout] != 0u);
    let v2: i32 = bitcast<i32>(a_rollout[(item) * 9u + 7u - d.base_a_rollout]);
    let v3: f32 = f32(v2);
    if (bitcast<i32>(a_scalar[14u]) > 0i && item == u32(bitcast<i32>(a_scalar[15u]))) { a_scalar[16u] = bitcast<u32>(rc_shift(f32(v3))); }
  }
}


// ---- kernel batch_31_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_31_shifted_blocks` of spec `process_delta`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 9u + 0u - d.base_a_rollout]));
    let v1: bool = (a_rollout[(item) * 9u + 8u - d.base_a_rollout] != 0u);
    let v2: i32 = bitcast<i32>(a_rollout[(item) * 9u + 7u - d.base_a_rollout]);
    let v3: f32 = f32(v2);
    if (v1) { wf[lid] = f32(v3) - bitcast<f32>(a_scalar[16u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_31_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_31_shifted_combine` of spec `process_delta`
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


// ---- kernel batch_26_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_26_fetch_blocks` of spec `process_delta`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 9u + 0u - d.base_a_rollout]));
    let v1: f32 = bitcast<f32>(a_rollout[(item) * 9u + 6u - d.base_a_rollout]);
    if (bitcast<i32>(a_scalar[9u]) > 0i && item == u32(bitcast<i32>(a_scalar[10u]))) { a_scalar[11u] = bitcast<u32>(rc_shift(f32(v1))); }
  }
}


// ---- kernel batch_26_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
// rewardc kernel `batch_26_shifted_blocks` of spec `process_delta`
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 9u + 0u - d.base_a_rollout]));
    let v1: f32 = bitcast<f32>(a_rollout[(item) * 9u + 6u - d.base_a_rollout]);
    if (true) { wf[lid] = f32(v1) - bitcast<f32>(a_scalar[11u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_26_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_26_shifted_combine` of spec `process_delta`
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


// ---- kernel output: workgroup 64, over rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `rollout`
//   binding 2: storage arena `out`
// rewardc kernel `output` of spec `process_delta`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_rollout: u32, base_a_out: u32, pad5: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_out: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let r = d.begin + wg * 64u + lid;
  if (r >= d.end) { return; }
  let g = u32(bitcast<i32>(a_rollout[(r) * 9u + 0u - d.base_a_rollout]));
  let v0: f32 = bitcast<f32>(a_rollout[(r) * 9u + 5u - d.base_a_rollout]);
  let v1: bool = (a_rollout[(r) * 9u + 4u - d.base_a_rollout] != 0u);
  let v2: f32 = select(0.0f, 1.0f, v1);
  let v3: f32 = (v0 + v2);
  a_out[(r) * 1u + 0u - d.base_a_out] = bitcast<u32>(v3);
}


// ---- kernel output_steps: workgroup 256, over elements of steps
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `element:steps`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `eout:steps`
// rewardc kernel `output_steps` of spec `process_delta`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_element_steps: u32, base_a_rollout: u32, base_a_eout_steps: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_element_steps: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_eout_steps: array<u32>;
// (prelude)
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let e = d.begin + wg * 256u + lid;
  if (e >= d.end) { return; }
  let r = u32(bitcast<i32>(a_element_steps[(e) * 5u + 0u - d.base_a_element_steps]));
  let g = u32(bitcast<i32>(a_rollout[(r) * 9u + 0u - d.base_a_rollout]));
  let v0: f32 = bitcast<f32>(a_element_steps[(e) * 5u + 3u - d.base_a_element_steps]);
  a_eout_steps[(e) * 1u + 0u - d.base_a_eout_steps] = bitcast<u32>(v0);
}
