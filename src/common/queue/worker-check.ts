import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { declaredJobs } from './queues';

const QUEUE_META = 'bull:module_queue';
const PROCESS_META = 'bull:module_queue_process';

/** Job names that have no `@Process` handler, as `queue/job` (empty when every job is handled). */
export function missingProcessors(declared: Record<string, string[]>, handled: Record<string, Set<string>>): string[] {
  return Object.entries(declared).flatMap(([queue, jobs]) =>
    jobs.filter((j) => !handled[queue]?.has(j)).map((j) => `${queue}/${j}`),
  );
}

/** In worker processes: fail the boot when a declared job has no processor, rather than let its jobs rot. */
@Injectable()
export class WorkerCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const handled: Record<string, Set<string>> = {};
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const queue = this.reflector.get<{ name?: string } | undefined>(QUEUE_META, metatype);
      if (!queue?.name) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const meta = this.reflector.get<{ name?: string } | undefined>(PROCESS_META, (proto as Record<string, () => void>)[method]);
        if (meta?.name) (handled[queue.name] ??= new Set()).add(meta.name);
      }
    }
    const missing = missingProcessors(declaredJobs(), handled);
    if (missing.length) throw new Error(`Worker refuses to start: no processor for ${missing.join(', ')}`);
  }
}
