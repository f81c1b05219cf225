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
  /**
   * The adapter is a fallback (software) implementation, such as lavapipe (`GPUAdapterInfo.isFallbackAdapter`):
   * its invocations run on the CPU cores, so workgroup barriers are expensive. There one invocation per group
   * beat a workgroup per group on every group reduction measured, groups of 64 to 200000 (bench/limits.md). The
   * exception is quadratic group maps (rank, loo_std) over a few huge groups, such as 2 groups of 4096, which ran
   * 2.8x slower; such batches are rare in RL.
   */
  software: boolean;
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

/**
 * Lines Dawn writes to stderr from native code when it starts (they bypass process.stderr, so the CLI
 * filters its own stderr through a parent process; see cli/main.ts). None concerns the user.
 */
export const DAWN_NOISE: readonly RegExp[] = [/^Warning: max\w+ artificially reduced/, /XDG_RUNTIME_DIR/, /^MESA-INTEL|^WARNING: lavapipe is not a conformant/];

/** The process's WebGPU device, or null when no adapter exists (no driver, no GPU). */
export function getGpu(): Promise<GpuContext | null> {
  context ??= (async () => {
    // Lets users (and tests) take the CPU path of `auto` on a machine that has an adapter.
    if (process.env.REWARDC_NO_GPU === "1") return null;
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
      software: (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
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
  })();
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
