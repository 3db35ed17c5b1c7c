import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { AppConfig } from '../../config/app-config';

/** `<PUBLIC_BASE_URL><collection path>/<id>`: the absolute URL of a resource created by a POST to its collection. */
export function createdLocation(publicBaseUrl: string, collectionPath: string, id: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/${collectionPath.split('?')[0].replace(/^\/+|\/+$/g, '')}/${encodeURIComponent(id)}`;
}

@Injectable()
export class CreatedLocationInterceptor implements NestInterceptor {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const id = (body as { id?: unknown } | null)?.id;
        if (typeof id === 'string') void reply.header('Location', createdLocation(this.config.PUBLIC_BASE_URL, req.url, id));
        return body;
      }),
    );
  }
}

/** Sets `Location` to the new resource's absolute URL (the handler returns the resource with its `id`). */
export const CreatedLocation = () => UseInterceptors(CreatedLocationInterceptor);
