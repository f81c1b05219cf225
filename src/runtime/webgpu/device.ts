/**
 * WebGPU device acquisition on Dawn (npm `webgpu`).
 *
 * The object `create()` returns must outlive every device made from it: if it is garbage-collected while
 * a device is in use, Dawn tears its instance down under the live device and the process dies on the
 * next mapped readback (DESIGN.md, environment facts). So the instance is held in a module-level
 * variable for as long as the process uses WebGPU, and the soak test keeps that true.
 */
/// <reference types="@webgpu/types" />

export interface GpuContext {
  device: GPUDevice;
  adapterInfo: string;
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number; maxComputeWorkgroupsPerDimension: number; minStorageBufferOffsetAlignment: number; minUniformBufferOffsetAlignment: number };
  /** Set when the device is lost; every later use reports it instead of returning wrong results. */
  lost: string | null;
}

export class GpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GpuUnavailableError";
  }
}

/** Held for the life of the process: see the header comment. */
let instance: unknown = null;
let context: Promise<GpuContext | null> | null = null;

/** Dawn writes warnings (XDG_RUNTIME_DIR, limits) to stderr at start-up; they are not the user's business. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr);
  // Only JS-level writes can be intercepted; Dawn's native fprintf goes to fd 2 directly, which the CLI
  // silences by setting DAWN_DEBUG_BREAK_ON_ERROR off and running the probe once, early.
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString() : "";
    if (/XDG_RUNTIME_DIR|Dawn|Vulkan|vk[A-Z]|lavapipe|limit/i.test(text)) return true;
    return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    return await run();
  } finally {
    process.stderr.write = write;
  }
}

/** The process's WebGPU device, or null when no adapter exists (no driver, no GPU). */
export function getGpu(): Promise<GpuContext | null> {
  context ??= quietly(async () => {
    let webgpu: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    try {
      webgpu = (await import("webgpu")) as unknown as typeof webgpu;
    } catch {
      return null;
    }
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    instance = gpu;
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const a = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
        maxBufferSize: a.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(a.maxStorageBuffersPerShaderStage, 10),
        maxComputeInvocationsPerWorkgroup: Math.min(a.maxComputeInvocationsPerWorkgroup, 256),
        maxComputeWorkgroupSizeX: Math.min(a.maxComputeWorkgroupSizeX, 256),
        maxComputeWorkgroupStorageSize: Math.min(a.maxComputeWorkgroupStorageSize, 16384),
      },
    });
    const info = adapter.info;
    const ctx: GpuContext = {
      device,
      adapterInfo: [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "unknown adapter",
      limits: {
        maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
        maxBufferSize: device.limits.maxBufferSize,
        maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
        minStorageBufferOffsetAlignment: device.limits.minStorageBufferOffsetAlignment,
        minUniformBufferOffsetAlignment: device.limits.minUniformBufferOffsetAlignment,
      },
      lost: null,
    };
    void device.lost.then((why) => {
      ctx.lost = `the WebGPU device was lost (${why.reason}${why.message ? `: ${why.message}` : ""})`;
    });
    return ctx;
  });
  return context;
}

/** Destroys the device so the process can exit (Dawn keeps it alive otherwise). The instance stays held. */
export async function releaseGpu(): Promise<void> {
  const ctx = await (context ?? Promise.resolve(null));
  context = null;
  ctx?.device.destroy();
  void instance;
}

export async function requireGpu(): Promise<GpuContext> {
  const ctx = await getGpu();
  if (!ctx) {
    throw new GpuUnavailableError(
      "no WebGPU adapter found: install a GPU driver, or Mesa's software Vulkan driver (lavapipe; see .ci/install-vulkan.sh), or use --backend cpu",
    );
  }
  return ctx;
}
