/**
 * The one place WGSL identifiers are made. Every name the emitter uses goes through `WgslNamer.name`,
 * which keeps identifiers valid whatever users call their inputs: it avoids WGSL's keywords and reserved
 * words, predeclared type and built-in function names, leading `__`, and names already given out.
 */

/** WGSL keywords and reserved words (WGSL spec §15.3 and §15.4), plus predeclared names we must not shadow. */
const RESERVED = new Set(
  (
    // keywords
    "alias break case const const_assert continue continuing default diagnostic discard else enable false fn for if let loop override " +
    "requires return struct switch true var while " +
    // reserved words
    "NULL Self abstract active alignas alignof as asm asm_fragment async attribute auto await become cast catch class co_await co_return " +
    "co_yield coherent column_major common compile compile_fragment concept const_cast consteval constexpr constinit crate debugger decltype " +
    "delete demote demote_to_helper do dynamic_cast enum explicit export extends extern external fallthrough filter final finally friend from " +
    "fxgroup get goto groupshared highp impl implements import inline instanceof interface layout lowp macro macro_rules match mediump meta " +
    "mod module move mut mutable namespace new nil noexcept noinline nointerpolation non_coherent noncoherent noperspective null nullptr of " +
    "operator package packoffset partition pass patch pixelfragment precise precision premerge priv protected pub public readonly ref " +
    "regardless register reinterpret_cast require resource restrict self set shared sizeof smooth snorm static static_assert static_cast std " +
    "subroutine super target template this thread_local throw trait try type typedef typeid typename typeof union unless unorm unsafe unsized " +
    "use using varying virtual volatile wgsl where with writeonly yield " +
    // predeclared types and built-in functions we call
    "bool f16 f32 i32 u32 vec2 vec3 vec4 mat2x2 mat3x3 mat4x4 array atomic ptr sampler texture_2d abs min max clamp sign exp log sqrt pow tanh " +
    "sin cos floor ceil round select bitcast arrayLength workgroupBarrier workgroupUniformLoad storageBarrier read write read_write " +
    "function private workgroup uniform storage"
  ).split(/\s+/),
);

export class WgslNamer {
  private readonly used = new Set<string>();

  /** A fresh, valid identifier based on `base` (sanitised; suffixed when reserved or taken). */
  name(base: string): string {
    let clean = base.replace(/[^A-Za-z0-9_]/g, "_");
    if (clean === "" || /^[0-9]/.test(clean)) clean = `n${clean}`;
    if (clean.startsWith("__")) clean = `u${clean}`;
    if (clean === "_") clean = "u_";
    let candidate = clean;
    for (let k = 1; RESERVED.has(candidate) || this.used.has(candidate); k++) candidate = `${clean}_${k}`;
    this.used.add(candidate);
    return candidate;
  }
}

export function isReservedWgslWord(word: string): boolean {
  return RESERVED.has(word);
}
