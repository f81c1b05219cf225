// spec `group_ops`: 18 kernels, run in this order

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
// rewardc kernel `group_s1` of spec `group_ops`
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
  if (lid == 0u) { ws = u32(bitcast<i32>(a_group[(gi) * 8u + 0u - d.base_a_group])); wn = u32(bitcast<i32>(a_group[(gi) * 8u + 1u - d.base_a_group])); }
  let gs = workgroupUniformLoad(&ws);
  let n = workgroupUniformLoad(&wn);
  workgroupBarrier();
    if (lid == 0u) {
      var k0 = 0u;
      var x01 = 0.0f;
      for (var jj2 = 0u; jj2 < n; jj2++) {
        let rm3 = gs + jj2;
        let v4: bool = (a_rollout[(rm3) * 10u + 1u - d.base_a_rollout] != 0u);
        let v5: f32 = select(0.0f, 1.0f, v4);
        if (true) {
          if (k0 == 0u) { x01 = rc_shift(f32(v5)); }
          k0 = k0 + 1u;
        }
      }
      wn = k0;
      wx = x01;
    }
    let cnt6 = workgroupUniformLoad(&wn);
    let sh7 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    rc_begin();
    for (var c8 = 0u; c8 < n; c8 = c8 + W) {
      let j9 = c8 + lid;
      var t10 = 0.0f;
      if (j9 < n) {
        let rm11 = gs + j9;
        let v12: bool = (a_rollout[(rm11) * 10u + 1u - d.base_a_rollout] != 0u);
        let v13: f32 = select(0.0f, 1.0f, v12);
        t10 = select(0.0f, f32(v13) - sh7, true);
      }
      wf[lid] = t10;
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
    let bf14 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    let mean15 = bf14 / f32(max(cnt6, 1u));
    if (lid == 0u) {
      a_group[(gi) * 8u + 2u - d.base_a_group] = bitcast<u32>(select(sh7 + mean15, 0.0f, cnt6 == 0u));
    }
    if (lid == 0u) {
      var k16 = 0u;
      var x017 = 0.0f;
      for (var jj18 = 0u; jj18 < n; jj18++) {
        let rm19 = gs + jj18;
        let v20: f32 = bitcast<f32>(a_rollout[(rm19) * 10u + 2u - d.base_a_rollout]);
        let v21: bool = (a_rollout[(rm19) * 10u + 1u - d.base_a_rollout] != 0u);
        if (v21) {
          if (k16 == 0u) { x017 = rc_shift(f32(v20)); }
          k16 = k16 + 1u;
        }
      }
      wn = k16;
      wx = x017;
    }
    let cnt22 = workgroupUniformLoad(&wn);
    let sh23 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    rc_begin();
    for (var c24 = 0u; c24 < n; c24 = c24 + W) {
      let j25 = c24 + lid;
      var t26 = 0.0f;
      if (j25 < n) {
        let rm27 = gs + j25;
        let v28: f32 = bitcast<f32>(a_rollout[(rm27) * 10u + 2u - d.base_a_rollout]);
        let v29: bool = (a_rollout[(rm27) * 10u + 1u - d.base_a_rollout] != 0u);
        t26 = select(0.0f, f32(v28) - sh23, v29);
      }
      wf[lid] = t26;
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
    let bf30 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    let mean31 = bf30 / f32(max(cnt22, 1u));
    if (lid == 0u) {
      a_group[(gi) * 8u + 3u - d.base_a_group] = bitcast<u32>(select(sh23 + mean31, 0.0f, cnt22 == 0u));
    }
    if (lid == 0u) {
      var k32 = 0u;
      var x033 = 0.0f;
      for (var jj34 = 0u; jj34 < n; jj34++) {
        let rm35 = gs + jj34;
        let v36: f32 = bitcast<f32>(a_rollout[(rm35) * 10u + 2u - d.base_a_rollout]);
        let v37: bool = (a_rollout[(rm35) * 10u + 1u - d.base_a_rollout] != 0u);
        let v38: bool = (!v37);
        if (v38) {
          if (k32 == 0u) { x033 = rc_shift(f32(v36)); }
          k32 = k32 + 1u;
        }
      }
      wn = k32;
      wx = x033;
    }
    let cnt39 = workgroupUniformLoad(&wn);
    let sh40 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    rc_begin();
    for (var c41 = 0u; c41 < n; c41 = c41 + W) {
      let j42 = c41 + lid;
      var t43 = 0.0f;
      if (j42 < n) {
        let rm44 = gs + j42;
        let v45: f32 = bitcast<f32>(a_rollout[(rm44) * 10u + 2u - d.base_a_rollout]);
        let v46: bool = (a_rollout[(rm44) * 10u + 1u - d.base_a_rollout] != 0u);
        let v47: bool = (!v46);
        t43 = select(0.0f, f32(v45) - sh40, v47);
      }
      wf[lid] = t43;
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
    let bf48 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    let mean49 = bf48 / f32(max(cnt39, 1u));
    if (lid == 0u) {
      a_group[(gi) * 8u + 4u - d.base_a_group] = bitcast<u32>(select(sh40 + mean49, 0.0f, cnt39 == 0u));
    }
    if (lid == 0u) {
      var acc50: bool = false;
      var seen51 = false;
      for (var jj52 = 0u; jj52 < n; jj52++) {
        let rm53 = gs + jj52;
        let v54: bool = (a_rollout[(rm53) * 10u + 1u - d.base_a_rollout] != 0u);
        if (true) {
          if (v54) { acc50 = true; }
          seen51 = true;
        }
      }
      a_group[(gi) * 8u + 5u - d.base_a_group] = select(0u, 1u, acc50);
    }
    if (lid == 0u) {
      var acc55: bool = true;
      var seen56 = false;
      for (var jj57 = 0u; jj57 < n; jj57++) {
        let rm58 = gs + jj57;
        let v59: bool = (a_rollout[(rm58) * 10u + 1u - d.base_a_rollout] != 0u);
        if (true) {
          if (!v59) { acc55 = false; }
          seen56 = true;
        }
      }
      a_group[(gi) * 8u + 6u - d.base_a_group] = select(0u, 1u, acc55);
    }
    if (lid == 0u) {
      var acc60: i32 = 0i;
      var seen61 = false;
      for (var jj62 = 0u; jj62 < n; jj62++) {
        let rm63 = gs + jj62;
        let v64: bool = (a_rollout[(rm63) * 10u + 1u - d.base_a_rollout] != 0u);
        if (true) {
          if (v64) { acc60 = acc60 + 1i; }
          seen61 = true;
        }
      }
      a_group[(gi) * 8u + 7u - d.base_a_group] = bitcast<u32>(acc60);
    }
    for (var c65 = 0u; c65 < n; c65 = c65 + W) {
      let j66 = c65 + lid;
      if (j66 < n) {
        let rm67 = gs + j66;
        let v68: i32 = bitcast<i32>(a_rollout[(rm67) * 10u + 3u - d.base_a_rollout]);
        var n69 = 0i;
        for (var o70 = 0u; o70 < n; o70++) {
          let rm71 = gs + o70;
          let v72: i32 = bitcast<i32>(a_rollout[(rm71) * 10u + 3u - d.base_a_rollout]);
          if (v72 < v68) { n69 = n69 + 1i; }
        }
        a_rollout[(rm67) * 10u + 4u - d.base_a_rollout] = bitcast<u32>(n69);
      }
    }
    for (var c73 = 0u; c73 < n; c73 = c73 + W) {
      let j74 = c73 + lid;
      if (j74 < n) {
        let rm75 = gs + j74;
        let v76: i32 = bitcast<i32>(a_rollout[(rm75) * 10u + 7u - d.base_a_rollout]);
        var n77 = 0i;
        for (var o78 = 0u; o78 < n; o78++) {
          let rm79 = gs + o78;
          let v80: i32 = bitcast<i32>(a_rollout[(rm79) * 10u + 7u - d.base_a_rollout]);
          if (v80 == v76) { n77 = n77 + 1i; }
        }
        a_rollout[(rm75) * 10u + 8u - d.base_a_rollout] = bitcast<u32>(n77);
      }
    }
}


// ---- kernel group_s1_small: workgroup 64, over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
// rewardc kernel `group_s1_small` of spec `group_ops`
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
  let gs = u32(bitcast<i32>(a_group[(gi) * 8u + 0u - d.base_a_group]));
  let n = u32(bitcast<i32>(a_group[(gi) * 8u + 1u - d.base_a_group]));
      var k0 = 0u;
      var x01 = 0.0f;
      for (var jj2 = 0u; jj2 < n; jj2++) {
        let rm3 = gs + jj2;
        let v4: bool = (a_rollout[(rm3) * 10u + 1u - d.base_a_rollout] != 0u);
        let v5: f32 = select(0.0f, 1.0f, v4);
        if (true) {
          if (k0 == 0u) { x01 = rc_shift(f32(v5)); }
          k0 = k0 + 1u;
        }
      }
    rc_begin();
    for (var jj6 = 0u; jj6 < n; jj6++) {
      let rm7 = gs + jj6;
      let v8: bool = (a_rollout[(rm7) * 10u + 1u - d.base_a_rollout] != 0u);
      let v9: f32 = select(0.0f, 1.0f, v8);
      rc_push(select(0.0f, f32(v9) - x01, true));
    }
    let sum10 = rc_finish();
    let mean11 = sum10 / f32(max(k0, 1u));
      a_group[(gi) * 8u + 2u - d.base_a_group] = bitcast<u32>(select(x01 + mean11, 0.0f, k0 == 0u));
      var k12 = 0u;
      var x013 = 0.0f;
      for (var jj14 = 0u; jj14 < n; jj14++) {
        let rm15 = gs + jj14;
        let v16: f32 = bitcast<f32>(a_rollout[(rm15) * 10u + 2u - d.base_a_rollout]);
        let v17: bool = (a_rollout[(rm15) * 10u + 1u - d.base_a_rollout] != 0u);
        if (v17) {
          if (k12 == 0u) { x013 = rc_shift(f32(v16)); }
          k12 = k12 + 1u;
        }
      }
    rc_begin();
    for (var jj18 = 0u; jj18 < n; jj18++) {
      let rm19 = gs + jj18;
      let v20: f32 = bitcast<f32>(a_rollout[(rm19) * 10u + 2u - d.base_a_rollout]);
      let v21: bool = (a_rollout[(rm19) * 10u + 1u - d.base_a_rollout] != 0u);
      rc_push(select(0.0f, f32(v20) - x013, v21));
    }
    let sum22 = rc_finish();
    let mean23 = sum22 / f32(max(k12, 1u));
      a_group[(gi) * 8u + 3u - d.base_a_group] = bitcast<u32>(select(x013 + mean23, 0.0f, k12 == 0u));
      var k24 = 0u;
      var x025 = 0.0f;
      for (var jj26 = 0u; jj26 < n; jj26++) {
        let rm27 = gs + jj26;
        let v28: f32 = bitcast<f32>(a_rollout[(rm27) * 10u + 2u - d.base_a_rollout]);
        let v29: bool = (a_rollout[(rm27) * 10u + 1u - d.base_a_rollout] != 0u);
        let v30: bool = (!v29);
        if (v30) {
          if (k24 == 0u) { x025 = rc_shift(f32(v28)); }
          k24 = k24 + 1u;
        }
      }
    rc_begin();
    for (var jj31 = 0u; jj31 < n; jj31++) {
      let rm32 = gs + jj31;
      let v33: f32 = bitcast<f32>(a_rollout[(rm32) * 10u + 2u - d.base_a_rollout]);
      let v34: bool = (a_rollout[(rm32) * 10u + 1u - d.base_a_rollout] != 0u);
      let v35: bool = (!v34);
      rc_push(select(0.0f, f32(v33) - x025, v35));
    }
    let sum36 = rc_finish();
    let mean37 = sum36 / f32(max(k24, 1u));
      a_group[(gi) * 8u + 4u - d.base_a_group] = bitcast<u32>(select(x025 + mean37, 0.0f, k24 == 0u));
      var acc38: bool = false;
      var seen39 = false;
      for (var jj40 = 0u; jj40 < n; jj40++) {
        let rm41 = gs + jj40;
        let v42: bool = (a_rollout[(rm41) * 10u + 1u - d.base_a_rollout] != 0u);
        if (true) {
          if (v42) { acc38 = true; }
          seen39 = true;
        }
      }
      a_group[(gi) * 8u + 5u - d.base_a_group] = select(0u, 1u, acc38);
      var acc43: bool = true;
      var seen44 = false;
      for (var jj45 = 0u; jj45 < n; jj45++) {
        let rm46 = gs + jj45;
        let v47: bool = (a_rollout[(rm46) * 10u + 1u - d.base_a_rollout] != 0u);
        if (true) {
          if (!v47) { acc43 = false; }
          seen44 = true;
        }
      }
      a_group[(gi) * 8u + 6u - d.base_a_group] = select(0u, 1u, acc43);
      var acc48: i32 = 0i;
      var seen49 = false;
      for (var jj50 = 0u; jj50 < n; jj50++) {
        let rm51 = gs + jj50;
        let v52: bool = (a_rollout[(rm51) * 10u + 1u - d.base_a_rollout] != 0u);
        if (true) {
          if (v52) { acc48 = acc48 + 1i; }
          seen49 = true;
        }
      }
      a_group[(gi) * 8u + 7u - d.base_a_group] = bitcast<u32>(acc48);
    for (var j53 = 0u; j53 < n; j53++) {
      let rm54 = gs + j53;
      let v55: i32 = bitcast<i32>(a_rollout[(rm54) * 10u + 3u - d.base_a_rollout]);
      var n56 = 0i;
      for (var o57 = 0u; o57 < n; o57++) {
        let rm58 = gs + o57;
        let v59: i32 = bitcast<i32>(a_rollout[(rm58) * 10u + 3u - d.base_a_rollout]);
        if (v59 < v55) { n56 = n56 + 1i; }
      }
      a_rollout[(rm54) * 10u + 4u - d.base_a_rollout] = bitcast<u32>(n56);
    }
    for (var j60 = 0u; j60 < n; j60++) {
      let rm61 = gs + j60;
      let v62: i32 = bitcast<i32>(a_rollout[(rm61) * 10u + 7u - d.base_a_rollout]);
      var n63 = 0i;
      for (var o64 = 0u; o64 < n; o64++) {
        let rm65 = gs + o64;
        let v66: i32 = bitcast<i32>(a_rollout[(rm65) * 10u + 7u - d.base_a_rollout]);
        if (v66 == v62) { n63 = n63 + 1i; }
      }
      a_rollout[(rm61) * 10u + 8u - d.base_a_rollout] = bitcast<u32>(n63);
    }
}


// ---- kernel group_s2: workgroup W (a power of two covering the largest group, at most 256), over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
// rewardc kernel `group_s2` of spec `group_ops`
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
  if (lid == 0u) { ws = u32(bitcast<i32>(a_group[(gi) * 8u + 0u - d.base_a_group])); wn = u32(bitcast<i32>(a_group[(gi) * 8u + 1u - d.base_a_group])); }
  let gs = workgroupUniformLoad(&ws);
  let n = workgroupUniformLoad(&wn);
  workgroupBarrier();
  let v5: f32 = bitcast<f32>(a_group[(gi) * 8u + 3u - d.base_a_group]);
  let v6: f32 = bitcast<f32>(a_group[(gi) * 8u + 4u - d.base_a_group]);
  let v7: f32 = (v5 - v6);
  let v8: f32 = exp(v7);
  let v9: bool = (v5 >= v6);
  let v10: f32 = select(v8, 1f, v9);
    rc_begin();
    for (var c0 = 0u; c0 < n; c0 = c0 + W) {
      let j1 = c0 + lid;
      var t2 = 0.0f;
      if (j1 < n) {
        let rm3 = gs + j1;
        let v4: f32 = bitcast<f32>(a_rollout[(rm3) * 10u + 2u - d.base_a_rollout]);
        let v11: f32 = (v4 * v10);
        let v12: i32 = bitcast<i32>(a_rollout[(rm3) * 10u + 4u - d.base_a_rollout]);
        let v13: f32 = f32(v12);
        let v14: f32 = (v13 * 0f);
        let v15: f32 = (v11 + v14);
        t2 = f32(v15);
      }
      wf[lid] = t2;
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
    let bf16 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    for (var c17 = 0u; c17 < n; c17 = c17 + W) {
      let j18 = c17 + lid;
      if (j18 < n) {
        let rm19 = gs + j18;
        let v20: f32 = bitcast<f32>(a_rollout[(rm19) * 10u + 2u - d.base_a_rollout]);
        let v21: f32 = (v20 * v10);
        let v22: i32 = bitcast<i32>(a_rollout[(rm19) * 10u + 4u - d.base_a_rollout]);
        let v23: f32 = f32(v22);
        let v24: f32 = (v23 * 0f);
        let v25: f32 = (v21 + v24);
        a_rollout[(rm19) * 10u + 5u - d.base_a_rollout] = bitcast<u32>(select((bf16 - f32(v25)) / f32(n - 1u), 0.0f, n < 2u));
      }
    }
    for (var c26 = 0u; c26 < n; c26 = c26 + W) {
      let j27 = c26 + lid;
      if (j27 < n) {
        let rm28 = gs + j27;
        let k29 = n - 1u;
        var sh30 = 0.0f;
        if (n > 1u) {
          let rm31 = gs + select(0u, 1u, j27 == 0u);
          let v32: f32 = bitcast<f32>(a_rollout[(rm31) * 10u + 2u - d.base_a_rollout]);
          let v33: f32 = (v32 * v10);
          let v34: i32 = bitcast<i32>(a_rollout[(rm31) * 10u + 4u - d.base_a_rollout]);
          let v35: f32 = f32(v34);
          let v36: f32 = (v35 * 0f);
          let v37: f32 = (v33 + v36);
          sh30 = rc_shift(f32(v37));
        }
        rc_begin();
        for (var o38 = 0u; o38 < n; o38++) {
          let rm39 = gs + o38;
          let v40: f32 = bitcast<f32>(a_rollout[(rm39) * 10u + 2u - d.base_a_rollout]);
          let v41: f32 = (v40 * v10);
          let v42: i32 = bitcast<i32>(a_rollout[(rm39) * 10u + 4u - d.base_a_rollout]);
          let v43: f32 = f32(v42);
          let v44: f32 = (v43 * 0f);
          let v45: f32 = (v41 + v44);
          if (o38 != j27) { rc_push(f32(v45) - sh30); }
        }
        let sum46 = rc_finish();
        let mo47 = sum46 / f32(max(k29, 1u));
        rc_begin();
        for (var o48 = 0u; o48 < n; o48++) {
          let rm49 = gs + o48;
          let v51: f32 = bitcast<f32>(a_rollout[(rm49) * 10u + 2u - d.base_a_rollout]);
          let v52: f32 = (v51 * v10);
          let v53: i32 = bitcast<i32>(a_rollout[(rm49) * 10u + 4u - d.base_a_rollout]);
          let v54: f32 = f32(v53);
          let v55: f32 = (v54 * 0f);
          let v56: f32 = (v52 + v55);
          let dv50 = (f32(v56) - sh30) - mo47;
          if (o48 != j27) { rc_push(dv50 * dv50); }
        }
        let sum57 = rc_finish();
        a_rollout[(rm28) * 10u + 6u - d.base_a_rollout] = bitcast<u32>(select(sqrt(sum57 / f32(k29 - 1u)), 0.0f, k29 <= 1u));
      }
    }
    if (lid == 0u) {
      var best59 = 0.0f;
      for (var jj60 = 0u; jj60 < n; jj60++) {
        let rm61 = gs + jj60;
        let v62: f32 = bitcast<f32>(a_rollout[(rm61) * 10u + 2u - d.base_a_rollout]);
        let v63: f32 = (v62 * v10);
        let v64: i32 = bitcast<i32>(a_rollout[(rm61) * 10u + 4u - d.base_a_rollout]);
        let v65: f32 = f32(v64);
        let v66: f32 = (v65 * 0f);
        let v67: f32 = (v63 + v66);
        let v68: f32 = (v67 / 0.6f);
        let vv = f32(v68);
        if (jj60 == 0u) { best59 = vv; } else { best59 = rc_max(best59, vv); }
      }
      wx = best59;
    }
    let bf58 = workgroupUniformLoad(&wx);
    workgroupBarrier();
    rc_begin();
    for (var c69 = 0u; c69 < n; c69 = c69 + W) {
      let j70 = c69 + lid;
      var t71 = 0.0f;
      if (j70 < n) {
        let rm72 = gs + j70;
        let v73: f32 = bitcast<f32>(a_rollout[(rm72) * 10u + 2u - d.base_a_rollout]);
        let v74: f32 = (v73 * v10);
        let v75: i32 = bitcast<i32>(a_rollout[(rm72) * 10u + 4u - d.base_a_rollout]);
        let v76: f32 = f32(v75);
        let v77: f32 = (v76 * 0f);
        let v78: f32 = (v74 + v77);
        let v79: f32 = (v78 / 0.6f);
        t71 = exp(f32(v79) - bf58);
      }
      wf[lid] = t71;
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
    for (var c81 = 0u; c81 < n; c81 = c81 + W) {
      let j82 = c81 + lid;
      if (j82 < n) {
        let rm83 = gs + j82;
        let v84: f32 = bitcast<f32>(a_rollout[(rm83) * 10u + 2u - d.base_a_rollout]);
        let v85: f32 = (v84 * v10);
        let v86: i32 = bitcast<i32>(a_rollout[(rm83) * 10u + 4u - d.base_a_rollout]);
        let v87: f32 = f32(v86);
        let v88: f32 = (v87 * 0f);
        let v89: f32 = (v85 + v88);
        let v90: f32 = (v89 / 0.6f);
        a_rollout[(rm83) * 10u + 9u - d.base_a_rollout] = bitcast<u32>(exp(f32(v90) - bf58) / bf80);
      }
    }
}


// ---- kernel group_s2_small: workgroup 64, over groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `group`
//   binding 2: storage arena `rollout`
// rewardc kernel `group_s2_small` of spec `group_ops`
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
  let gs = u32(bitcast<i32>(a_group[(gi) * 8u + 0u - d.base_a_group]));
  let n = u32(bitcast<i32>(a_group[(gi) * 8u + 1u - d.base_a_group]));
  let v3: f32 = bitcast<f32>(a_group[(gi) * 8u + 3u - d.base_a_group]);
  let v4: f32 = bitcast<f32>(a_group[(gi) * 8u + 4u - d.base_a_group]);
  let v5: f32 = (v3 - v4);
  let v6: f32 = exp(v5);
  let v7: bool = (v3 >= v4);
  let v8: f32 = select(v6, 1f, v7);
    rc_begin();
    for (var jj0 = 0u; jj0 < n; jj0++) {
      let rm1 = gs + jj0;
      let v2: f32 = bitcast<f32>(a_rollout[(rm1) * 10u + 2u - d.base_a_rollout]);
      let v9: f32 = (v2 * v8);
      let v10: i32 = bitcast<i32>(a_rollout[(rm1) * 10u + 4u - d.base_a_rollout]);
      let v11: f32 = f32(v10);
      let v12: f32 = (v11 * 0f);
      let v13: f32 = (v9 + v12);
      rc_push(f32(v13));
    }
    let sum14 = rc_finish();
    for (var j15 = 0u; j15 < n; j15++) {
      let rm16 = gs + j15;
      let v17: f32 = bitcast<f32>(a_rollout[(rm16) * 10u + 2u - d.base_a_rollout]);
      let v18: f32 = (v17 * v8);
      let v19: i32 = bitcast<i32>(a_rollout[(rm16) * 10u + 4u - d.base_a_rollout]);
      let v20: f32 = f32(v19);
      let v21: f32 = (v20 * 0f);
      let v22: f32 = (v18 + v21);
      a_rollout[(rm16) * 10u + 5u - d.base_a_rollout] = bitcast<u32>(select((sum14 - f32(v22)) / f32(n - 1u), 0.0f, n < 2u));
    }
    for (var j23 = 0u; j23 < n; j23++) {
      let rm24 = gs + j23;
      let k25 = n - 1u;
      var sh26 = 0.0f;
      if (n > 1u) {
        let rm27 = gs + select(0u, 1u, j23 == 0u);
        let v28: f32 = bitcast<f32>(a_rollout[(rm27) * 10u + 2u - d.base_a_rollout]);
        let v29: f32 = (v28 * v8);
        let v30: i32 = bitcast<i32>(a_rollout[(rm27) * 10u + 4u - d.base_a_rollout]);
        let v31: f32 = f32(v30);
        let v32: f32 = (v31 * 0f);
        let v33: f32 = (v29 + v32);
        sh26 = rc_shift(f32(v33));
      }
      rc_begin();
      for (var o34 = 0u; o34 < n; o34++) {
        let rm35 = gs + o34;
        let v36: f32 = bitcast<f32>(a_rollout[(rm35) * 10u + 2u - d.base_a_rollout]);
        let v37: f32 = (v36 * v8);
        let v38: i32 = bitcast<i32>(a_rollout[(rm35) * 10u + 4u - d.base_a_rollout]);
        let v39: f32 = f32(v38);
        let v40: f32 = (v39 * 0f);
        let v41: f32 = (v37 + v40);
        if (o34 != j23) { rc_push(f32(v41) - sh26); }
      }
      let sum42 = rc_finish();
      let mo43 = sum42 / f32(max(k25, 1u));
      rc_begin();
      for (var o44 = 0u; o44 < n; o44++) {
        let rm45 = gs + o44;
        let v47: f32 = bitcast<f32>(a_rollout[(rm45) * 10u + 2u - d.base_a_rollout]);
        let v48: f32 = (v47 * v8);
        let v49: i32 = bitcast<i32>(a_rollout[(rm45) * 10u + 4u - d.base_a_rollout]);
        let v50: f32 = f32(v49);
        let v51: f32 = (v50 * 0f);
        let v52: f32 = (v48 + v51);
        let dv46 = (f32(v52) - sh26) - mo43;
        if (o44 != j23) { rc_push(dv46 * dv46); }
      }
      let sum53 = rc_finish();
      a_rollout[(rm24) * 10u + 6u - d.base_a_rollout] = bitcast<u32>(select(sqrt(sum53 / f32(k25 - 1u)), 0.0f, k25 <= 1u));
    }
      var best55 = 0.0f;
      for (var jj56 = 0u; jj56 < n; jj56++) {
        let rm57 = gs + jj56;
        let v58: f32 = bitcast<f32>(a_rollout[(rm57) * 10u + 2u - d.base_a_rollout]);
        let v59: f32 = (v58 * v8);
        let v60: i32 = bitcast<i32>(a_rollout[(rm57) * 10u + 4u - d.base_a_rollout]);
        let v61: f32 = f32(v60);
        let v62: f32 = (v61 * 0f);
        let v63: f32 = (v59 + v62);
        let v64: f32 = (v63 / 0.6f);
        let vv = f32(v64);
        if (jj56 == 0u) { best55 = vv; } else { best55 = rc_max(best55, vv); }
      }
      let bf54 = best55;
    rc_begin();
    for (var jj65 = 0u; jj65 < n; jj65++) {
      let rm66 = gs + jj65;
      let v67: f32 = bitcast<f32>(a_rollout[(rm66) * 10u + 2u - d.base_a_rollout]);
      let v68: f32 = (v67 * v8);
      let v69: i32 = bitcast<i32>(a_rollout[(rm66) * 10u + 4u - d.base_a_rollout]);
      let v70: f32 = f32(v69);
      let v71: f32 = (v70 * 0f);
      let v72: f32 = (v68 + v71);
      let v73: f32 = (v72 / 0.6f);
      rc_push(exp(f32(v73) - bf54));
    }
    let sum74 = rc_finish();
    for (var j75 = 0u; j75 < n; j75++) {
      let rm76 = gs + j75;
      let v77: f32 = bitcast<f32>(a_rollout[(rm76) * 10u + 2u - d.base_a_rollout]);
      let v78: f32 = (v77 * v8);
      let v79: i32 = bitcast<i32>(a_rollout[(rm76) * 10u + 4u - d.base_a_rollout]);
      let v80: f32 = f32(v79);
      let v81: f32 = (v80 * 0f);
      let v82: f32 = (v78 + v81);
      let v83: f32 = (v82 / 0.6f);
      a_rollout[(rm76) * 10u + 9u - d.base_a_rollout] = bitcast<u32>(exp(f32(v83) - bf54) / sum74);
    }
}


// ---- kernel batch_52_fetch_blocks: workgroup 256, over blocks of 256 groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
//   binding 3: storage arena `group`
// rewardc kernel `batch_52_fetch_blocks` of spec `group_ops`
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
  if (item < d.count) {
    let v0: f32 = bitcast<f32>(a_group[(item) * 8u + 2u - d.base_a_group]);
    let v1: bool = (v0 > 0f);
    let v2: bool = (v0 < 0.25f);
    let v3: bool = (v1 && v2);
    let v4: f32 = select(0.0f, 1.0f, v3);
    if (bitcast<i32>(a_scalar[2u]) > 0i && item == u32(bitcast<i32>(a_scalar[3u]))) { a_scalar[4u] = bitcast<u32>(rc_shift(f32(v4))); }
  }
}


// ---- kernel batch_52_shifted_blocks: workgroup 256, over blocks of 256 groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
//   binding 3: storage arena `group`
// rewardc kernel `batch_52_shifted_blocks` of spec `group_ops`
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
  wf[lid] = 0.0f;
  if (item < d.count) {
    let v0: f32 = bitcast<f32>(a_group[(item) * 8u + 2u - d.base_a_group]);
    let v1: bool = (v0 > 0f);
    let v2: bool = (v0 < 0.25f);
    let v3: bool = (v1 && v2);
    let v4: f32 = select(0.0f, 1.0f, v3);
    if (true) { wf[lid] = f32(v4) - bitcast<f32>(a_scalar[4u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_52_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_52_shifted_combine` of spec `group_ops`
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
    a_scalar[1u] = bitcast<u32>(select(bitcast<f32>(a_scalar[4u]) + rc_finish() / f32(max(bitcast<i32>(a_scalar[2u]), 1i)), 0.0f, bitcast<i32>(a_scalar[2u]) == 0i));
  }
}


// ---- kernel batch_53_fetch_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
//   binding 4: storage arena `group`
// rewardc kernel `batch_53_fetch_blocks` of spec `group_ops`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, base_a_group: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
@group(0) @binding(4) var<storage, read_write> a_group: array<u32>;
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 10u + 0u - d.base_a_rollout]));
    let v1: f32 = bitcast<f32>(a_rollout[(item) * 10u + 2u - d.base_a_rollout]);
    let v2: f32 = bitcast<f32>(a_group[(g0) * 8u + 3u - d.base_a_group]);
    let v3: f32 = bitcast<f32>(a_group[(g0) * 8u + 4u - d.base_a_group]);
    let v4: f32 = (v2 - v3);
    let v5: f32 = exp(v4);
    let v6: bool = (v2 >= v3);
    let v7: f32 = select(v5, 1f, v6);
    let v8: f32 = (v1 * v7);
    let v9: i32 = bitcast<i32>(a_rollout[(item) * 10u + 4u - d.base_a_rollout]);
    let v10: f32 = f32(v9);
    let v11: f32 = (v10 * 0f);
    let v12: f32 = (v8 + v11);
    if (bitcast<i32>(a_scalar[7u]) > 0i && item == u32(bitcast<i32>(a_scalar[8u]))) { a_scalar[9u] = bitcast<u32>(rc_shift(f32(v12))); }
  }
}


// ---- kernel batch_53_shifted_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
//   binding 4: storage arena `group`
// rewardc kernel `batch_53_shifted_blocks` of spec `group_ops`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, base_a_group: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
@group(0) @binding(4) var<storage, read_write> a_group: array<u32>;
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 10u + 0u - d.base_a_rollout]));
    let v1: f32 = bitcast<f32>(a_rollout[(item) * 10u + 2u - d.base_a_rollout]);
    let v2: f32 = bitcast<f32>(a_group[(g0) * 8u + 3u - d.base_a_group]);
    let v3: f32 = bitcast<f32>(a_group[(g0) * 8u + 4u - d.base_a_group]);
    let v4: f32 = (v2 - v3);
    let v5: f32 = exp(v4);
    let v6: bool = (v2 >= v3);
    let v7: f32 = select(v5, 1f, v6);
    let v8: f32 = (v1 * v7);
    let v9: i32 = bitcast<i32>(a_rollout[(item) * 10u + 4u - d.base_a_rollout]);
    let v10: f32 = f32(v9);
    let v11: f32 = (v10 * 0f);
    let v12: f32 = (v8 + v11);
    if (true) { wf[lid] = f32(v12) - bitcast<f32>(a_scalar[9u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_53_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_53_shifted_combine` of spec `group_ops`
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
    a_scalar[10u] = bitcast<u32>(rc_finish() / f32(max(bitcast<i32>(a_scalar[7u]), 1i)));
  }
}


// ---- kernel batch_53_sqdev_blocks: workgroup 256, over blocks of 256 rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `rollout`
//   binding 3: storage arena `scalar`
//   binding 4: storage arena `group`
// rewardc kernel `batch_53_sqdev_blocks` of spec `group_ops`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_partials: u32, base_a_rollout: u32, base_a_scalar: u32, base_a_group: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_scalar: array<u32>;
@group(0) @binding(4) var<storage, read_write> a_group: array<u32>;
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
    let g0 = u32(bitcast<i32>(a_rollout[(item) * 10u + 0u - d.base_a_rollout]));
    let v1: f32 = bitcast<f32>(a_rollout[(item) * 10u + 2u - d.base_a_rollout]);
    let v2: f32 = bitcast<f32>(a_group[(g0) * 8u + 3u - d.base_a_group]);
    let v3: f32 = bitcast<f32>(a_group[(g0) * 8u + 4u - d.base_a_group]);
    let v4: f32 = (v2 - v3);
    let v5: f32 = exp(v4);
    let v6: bool = (v2 >= v3);
    let v7: f32 = select(v5, 1f, v6);
    let v8: f32 = (v1 * v7);
    let v9: i32 = bitcast<i32>(a_rollout[(item) * 10u + 4u - d.base_a_rollout]);
    let v10: f32 = f32(v9);
    let v11: f32 = (v10 * 0f);
    let v12: f32 = (v8 + v11);
    let dv = (f32(v12) - bitcast<f32>(a_scalar[9u])) - bitcast<f32>(a_scalar[10u]);
    if (true) { wf[lid] = dv * dv; }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_53_sqdev_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_53_sqdev_combine` of spec `group_ops`
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
    a_scalar[6u] = bitcast<u32>(sqrt(select(rc_finish() / f32(bitcast<i32>(a_scalar[7u]) - 0i), 0.0f, bitcast<i32>(a_scalar[7u]) <= 0i)));
  }
}


// ---- kernel batch_54_fetch_blocks: workgroup 256, over blocks of 256 groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
//   binding 3: storage arena `group`
// rewardc kernel `batch_54_fetch_blocks` of spec `group_ops`
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
  if (item < d.count) {
    let v0: f32 = bitcast<f32>(a_group[(item) * 8u + 2u - d.base_a_group]);
    if (bitcast<i32>(a_scalar[12u]) > 0i && item == u32(bitcast<i32>(a_scalar[13u]))) { a_scalar[14u] = bitcast<u32>(rc_shift(f32(v0))); }
  }
}


// ---- kernel batch_54_shifted_blocks: workgroup 256, over blocks of 256 groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
//   binding 3: storage arena `group`
// rewardc kernel `batch_54_shifted_blocks` of spec `group_ops`
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
  wf[lid] = 0.0f;
  if (item < d.count) {
    let v0: f32 = bitcast<f32>(a_group[(item) * 8u + 2u - d.base_a_group]);
    if (true) { wf[lid] = f32(v0) - bitcast<f32>(a_scalar[14u]); }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_54_shifted_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_54_shifted_combine` of spec `group_ops`
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
    a_scalar[15u] = bitcast<u32>(rc_finish() / f32(max(bitcast<i32>(a_scalar[12u]), 1i)));
  }
}


// ---- kernel batch_54_sqdev_blocks: workgroup 256, over blocks of 256 groups
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
//   binding 3: storage arena `group`
// rewardc kernel `batch_54_sqdev_blocks` of spec `group_ops`
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
  wf[lid] = 0.0f;
  if (item < d.count) {
    let v0: f32 = bitcast<f32>(a_group[(item) * 8u + 2u - d.base_a_group]);
    let dv = (f32(v0) - bitcast<f32>(a_scalar[14u])) - bitcast<f32>(a_scalar[15u]);
    if (true) { wf[lid] = dv * dv; }
  }
  for (var st = 1u; st < 256u; st = st << 1u) {
    workgroupBarrier();
    if ((lid & ((st << 1u) - 1u)) == 0u) { wf[lid] = wf[lid] + wf[lid + st]; }
  }
  workgroupBarrier();
  if (lid == 0u) { a_partials[blk * 1u + 0u] = bitcast<u32>(wf[0]); }
}


// ---- kernel batch_54_sqdev_combine: workgroup 256, over one workgroup
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `partials`
//   binding 2: storage arena `scalar`
// rewardc kernel `batch_54_sqdev_combine` of spec `group_ops`
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
    a_scalar[11u] = bitcast<u32>(select(rc_finish() / f32(bitcast<i32>(a_scalar[12u]) - 1i), 0.0f, bitcast<i32>(a_scalar[12u]) <= 1i));
  }
}


// ---- kernel output: workgroup 64, over rollouts
//   binding 0: uniform Dispatch (item range and window bases)
//   binding 1: storage arena `rollout`
//   binding 2: storage arena `group`
//   binding 3: storage arena `out`
// rewardc kernel `output` of spec `group_ops`
struct Dispatch { begin: u32, end: u32, count: u32, base_a_rollout: u32, base_a_group: u32, base_a_out: u32, pad6: u32, pad7: u32 }
@group(0) @binding(0) var<uniform> d: Dispatch;
@group(0) @binding(1) var<storage, read_write> a_rollout: array<u32>;
@group(0) @binding(2) var<storage, read_write> a_group: array<u32>;
@group(0) @binding(3) var<storage, read_write> a_out: array<u32>;
// (prelude)
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let r = d.begin + wg * 64u + lid;
  if (r >= d.end) { return; }
  let g = u32(bitcast<i32>(a_rollout[(r) * 10u + 0u - d.base_a_rollout]));
  let v0: f32 = bitcast<f32>(a_rollout[(r) * 10u + 2u - d.base_a_rollout]);
  let v1: f32 = bitcast<f32>(a_group[(g) * 8u + 3u - d.base_a_group]);
  let v2: f32 = bitcast<f32>(a_group[(g) * 8u + 4u - d.base_a_group]);
  let v3: f32 = (v1 - v2);
  let v4: f32 = exp(v3);
  let v5: bool = (v1 >= v2);
  let v6: f32 = select(v4, 1f, v5);
  let v7: f32 = (v0 * v6);
  let v8: i32 = bitcast<i32>(a_rollout[(r) * 10u + 4u - d.base_a_rollout]);
  let v9: f32 = f32(v8);
  let v10: f32 = (v9 * 0f);
  let v11: f32 = (v7 + v10);
  a_out[(r) * 4u + 0u - d.base_a_out] = bitcast<u32>(v11);
  let v12: f32 = bitcast<f32>(a_rollout[(r) * 10u + 5u - d.base_a_rollout]);
  let v13: f32 = (v11 - v12);
  let v14: f32 = bitcast<f32>(a_rollout[(r) * 10u + 6u - d.base_a_rollout]);
  let v15: f32 = (v14 + 0.000001f);
  let v16: f32 = (v13 / v15);
  a_out[(r) * 4u + 1u - d.base_a_out] = bitcast<u32>(v16);
  let v17: f32 = bitcast<f32>(a_group[(g) * 8u + 2u - d.base_a_group]);
  let v18: bool = (v17 > 0f);
  let v19: bool = (v17 < 0.25f);
  let v20: bool = (v18 && v19);
  let v21: i32 = bitcast<i32>(a_rollout[(r) * 10u + 8u - d.base_a_rollout]);
  let v22: bool = (v21 > 1i);
  let v23: bool = (v20 || v22);
  a_out[(r) * 4u + 2u - d.base_a_out] = select(0u, 1u, v23);
  let v24: i32 = bitcast<i32>(a_group[(g) * 8u + 1u - d.base_a_group]);
  let v25: f32 = f32(v24);
  let v26: i32 = bitcast<i32>(a_group[(g) * 8u + 7u - d.base_a_group]);
  let v27: f32 = f32(v26);
  let v28: f32 = (2f * v27);
  let v29: f32 = (v25 / v28);
  let v30: bool = (a_group[(g) * 8u + 5u - d.base_a_group] != 0u);
  let v31: bool = (a_group[(g) * 8u + 6u - d.base_a_group] != 0u);
  let v32: bool = (!v31);
  let v33: bool = (v30 && v32);
  let v34: f32 = select(1f, v29, v33);
  let v35: f32 = bitcast<f32>(a_rollout[(r) * 10u + 9u - d.base_a_rollout]);
  let v36: f32 = (v34 * v35);
  let v37: f32 = (v36 * v25);
  a_out[(r) * 4u + 3u - d.base_a_out] = bitcast<u32>(v37);
}
