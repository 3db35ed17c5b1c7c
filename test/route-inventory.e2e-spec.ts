import { Body, Controller, Get, HttpCode, INestApplication, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiNoContentResponse, ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { Authenticated, Public } from '../src/common/auth/auth.decorators';
import { ValidationStatus } from '../src/common/errors/validation-status.decorator';
import { buildOpenApi } from '../src/common/ops/swagger';
import { createTestApp, TestApp } from './support/app';
import { discoverRoutes, inventoryProblems, loadSwaggerPluginMetadata } from './support/route-inventory';

class FixtureResponse {
  @ApiProperty({ example: 'ok' }) status!: string;
}

class FixtureBody {
  @ApiProperty({ example: 'x' }) name!: string;
}

/** One route breaking each rule, and two that keep them all. */
@Controller('fixture')
class FixtureController {
  @Get('no-auth')
  @ApiOkResponse({ type: FixtureResponse })
  noAuth(): FixtureResponse {
    return { status: 'ok' };
  }

  @Post('no-dialect')
  @Authenticated({ role: 'editor' })
  @ApiOkResponse({ type: FixtureResponse })
  noDialect(@Body() body: FixtureBody): FixtureResponse {
    return { status: body.name };
  }

  @Get('no-success-response')
  @Public('fixture')
  noSuccessResponse(): FixtureResponse {
    return { status: 'ok' };
  }

  @Get('fine')
  @Public('fixture')
  @ApiOkResponse({ type: FixtureResponse })
  fine(): FixtureResponse {
    return { status: 'ok' };
  }

  @Post('fine-with-body')
  @HttpCode(204)
  @Authenticated({ role: 'editor' })
  @ValidationStatus(400)
  @ApiNoContentResponse()
  fineWithBody(@Body() _body: FixtureBody): void {}
}

const problemsOf = (app: INestApplication) => inventoryProblems(discoverRoutes(app), buildOpenApi(app as NestFastifyApplication));

describe('route inventory', () => {
  let t: TestApp;
  let fixture: INestApplication;
  beforeAll(async () => {
    await loadSwaggerPluginMetadata();
    t = await createTestApp();
    const module = await Test.createTestingModule({ imports: [DiscoveryModule], controllers: [FixtureController] }).compile();
    fixture = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await fixture.init();
    // The Swagger plugin's metadata comes from type-checking all of src (about a minute on a busy 2-core machine).
  }, 180_000);
  afterAll(async () => {
    await fixture?.close();
    await t?.close();
  });

  it('each rule fires on a route that breaks it, and only there', () => {
    expect(discoverRoutes(fixture).map((r) => r.route)).toHaveLength(5);
    expect(problemsOf(fixture)).toEqual([
      'GET /fixture/no-auth: no @Authenticated, @SignedBy or @Public(reason)',
      'POST /fixture/no-dialect: takes a body but declares no @ValidationStatus',
      'GET /fixture/no-success-response: no documented success response',
    ]);
  });

  it('the real AppModule: every route states its auth, its validation dialect when it takes a body, and its success response', () => {
    const routes = discoverRoutes(t.app).map((r) => r.route);
    // discovery sees the whole app, not an empty list that would pass vacuously
    expect(routes).toEqual(expect.arrayContaining(['POST /api/send-jobs', 'GET /v1/deliveries', 'POST /webhooks/ses', 'GET /health/ready']));
    expect(problemsOf(t.app)).toEqual([]);
  });
});
