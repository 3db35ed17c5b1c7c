import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator';
import { DECORATORS, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { AUTH_METADATA } from '../../src/common/auth/auth.decorators';
import { VALIDATION_STATUS } from '../../src/common/errors/validation-status.decorator';

/** One route as Nest registered it, with what the inventory rules look at. */
export interface InventoryRoute {
  /** `GET /api/send-jobs/:id`, as in messages. */
  route: string;
  method: string;
  /** OpenAPI path (`/api/send-jobs/{id}`). */
  openApiPath: string;
  hasAuthRequirement: boolean;
  hasBody: boolean;
  hasValidationStatus: boolean;
  excludedFromSwagger: boolean;
}

const joinPath = (...parts: string[]) => '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');

/** Every route of the app's controllers, found through Nest's discovery and metadata scanner. */
export function discoverRoutes(app: INestApplication): InventoryRoute[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: InventoryRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const proto = controller.prototype as Record<string, (...args: unknown[]) => unknown>;
    const base = [reflector.get<string | string[]>(PATH_METADATA, controller) ?? ''].flat()[0];
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      const paths = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      const verb = reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
      if (paths === undefined || verb === undefined) continue;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, unknown>;
      const method = RequestMethod[verb];
      for (const path of [paths].flat()) {
        const full = joinPath(base, path);
        routes.push({
          route: `${method} ${full}`,
          method: method.toLowerCase(),
          openApiPath: full.replace(/:(\w+)/g, '{$1}'),
          hasAuthRequirement: reflector.getAllAndOverride(AUTH_METADATA, [handler, controller]) !== undefined,
          hasBody: Object.keys(args).some((k) => k.startsWith(`${RouteParamtypes.BODY}:`)),
          hasValidationStatus: reflector.getAllAndOverride(VALIDATION_STATUS, [handler, controller]) !== undefined,
          excludedFromSwagger:
            !!reflector.get(DECORATORS.API_EXCLUDE_CONTROLLER, controller)?.[0] || !!reflector.get(DECORATORS.API_EXCLUDE_ENDPOINT, handler)?.disable,
        });
      }
    }
  }
  return routes;
}

/**
 * A 2xx answer with a body schema, or a 204 (which has none by definition), or a 202 (an accepted request may have
 * nothing to return: the FlexEngage event retry answers a bare 202, as that API says).
 */
function documentsSuccess(doc: OpenAPIObject, r: InventoryRoute): boolean {
  const op = (doc.paths[r.openApiPath] as Record<string, { responses?: Record<string, { content?: unknown }> }> | undefined)?.[r.method];
  return Object.entries(op?.responses ?? {}).some(([status, res]) => status === '204' || status === '202' || (/^2\d\d$/.test(status) && !!res.content));
}

/**
 * What is wrong with the app's routes, one line per broken rule: every route states its auth (a principal,
 * `@SignedBy` or `@Public(reason)`); a route that takes a body declares its validation dialect
 * (`@ValidationStatus`); a route in the API description documents a success response with its schema.
 */
export function inventoryProblems(routes: InventoryRoute[], doc: OpenAPIObject): string[] {
  return routes.flatMap((r) => [
    ...(r.hasAuthRequirement ? [] : [`${r.route}: no @Authenticated, @SignedBy or @Public(reason)`]),
    ...(r.hasBody && !r.hasValidationStatus ? [`${r.route}: takes a body but declares no @ValidationStatus`] : []),
    ...(r.excludedFromSwagger || documentsSuccess(doc, r) ? [] : [`${r.route}: no documented success response`]),
  ]);
}

/**
 * Loads what the Swagger CLI plugin adds at build time (response types inferred from handler return types, DTO
 * properties), which Jest's transpile-only compile leaves out: the API description checked is the one
 * `nest build` serves. Options as in nest-cli.json.
 */
export async function loadSwaggerPluginMetadata(): Promise<void> {
  const src = resolve(__dirname, '../../src');
  // the package's export map names the plugin `@nestjs/swagger/plugin`; its types live under dist/
  const { ReadonlyVisitor } = (await import('@nestjs/swagger/plugin' as string)) as typeof import('@nestjs/swagger/dist/plugin');
  const dir = mkdtempSync(join(tmpdir(), 'swagger-metadata-'));
  try {
    new PluginMetadataGenerator().generate({
      visitors: [new ReadonlyVisitor({ pathToSource: src, introspectComments: true, classValidatorShim: true, dtoFileNameSuffix: ['.dto.ts'] })],
      outputDir: dir,
      tsconfigPath: relative(process.cwd(), resolve(__dirname, '../../tsconfig.build.json')), // the generator resolves it from cwd
      printDiagnostics: false,
    });
    const file = join(dir, 'metadata.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(["'])\.\/(modules|common)\//g, `$1${src}/$2/`));
    const metadata = ((await import(file)) as { default: () => Promise<Record<string, unknown>> }).default;
    await SwaggerModule.loadPluginMetadata(metadata);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
