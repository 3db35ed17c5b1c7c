import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../common/auth/auth.decorators';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { BodyLimit, MAX_BODY_BYTES } from '../../common/http/body-limit';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { ListsService } from './lists.service';
import { AddMembersDto, AddMembersResult, CreateListDto, ListImportResponse, ListResponse, UpdateListDto } from './subscribers.dto';

const CSV_EXAMPLE = 'email,first_name,status\nann@example.com,Ann,active\nbo@example.com,Bo,\n';

/** Admin writes of the tenant's lists and members: what Member Center does by signed webhooks, for people. */
@ApiTags('Subscribers')
@ValidationStatus(422)
@Controller('api/lists')
export class ListsController {
  constructor(private readonly lists: ListsService) {}

  @Post()
  @Authenticated({ role: 'editor' })
  @ApiOperation({ operationId: 'createList', summary: 'Create a list', description: 'A new, empty list of the caller\'s tenant with a UUIDv7 id.' })
  @ApiBody({ type: CreateListDto, examples: { newsletter: { summary: 'A newsletter list', value: { name: 'Weekly newsletter' } } } })
  @ApiCreatedResponse({ type: ListResponse })
  create(@TenantId() tenantId: string, @Body() dto: CreateListDto): Promise<ListResponse> {
    return this.lists.create(tenantId, dto);
  }

  @Patch(':id')
  @Authenticated({ role: 'editor' })
  @ApiOperation({ operationId: 'renameList', summary: 'Rename a list', description: 'Sets the list\'s name (lists Member Center created have none until then).' })
  @ApiBody({ type: UpdateListDto, examples: { rename: { summary: 'A new name', value: { name: 'Monthly digest' } } } })
  @ApiOkResponse({ type: ListResponse })
  @ApiProblems(404)
  rename(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateListDto): Promise<ListResponse> {
    return this.lists.rename(tenantId, id, dto);
  }

  @Post(':id/members')
  @HttpCode(200)
  @Authenticated({ role: 'editor' })
  @BodyLimit(MAX_BODY_BYTES)
  @ApiOperation({
    operationId: 'addListMembers',
    summary: 'Add or update up to 10,000 members',
    description:
      'Writes each `{email, status?, preferences?}` into the list in one transaction, with the full sync\'s rules: ' +
      'an address on the suppression list is stored with its suppression status and never made active, and a ' +
      'membership a newer Member Center change wrote is left alone. An existing subscriber with that address keeps ' +
      'its id. Any invalid item rejects the whole request (422 naming each, e.g. `members.3.email`).',
  })
  @ApiBody({
    type: AddMembersDto,
    examples: {
      members: {
        summary: 'Two members, one with preferences',
        value: { members: [{ email: 'ann@example.com', preferences: { first_name: 'Ann' } }, { email: 'bo@example.com', status: 'unsubscribed' }] },
      },
    },
  })
  @ApiOkResponse({ type: AddMembersResult })
  @ApiProblems(404)
  addMembers(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Body() dto: AddMembersDto): Promise<AddMembersResult> {
    return this.lists.addMembers(tenantId, id, dto);
  }

  @Post(':id/imports')
  @Authenticated({ role: 'editor' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: CSV_EXAMPLE }, description: 'A header line naming an `email` column; optional `status` (active, unsubscribed); every other column becomes a preference.' })
  @ApiOperation({
    operationId: 'importListMembers',
    summary: 'Import members from a CSV upload',
    description:
      'The upload is streamed and written in chunks of 5,000 rows with the same rules as adding members; progress ' +
      'is visible at `GET /api/lists/{id}/imports/{importId}` while it runs. Bad rows are counted and listed (the ' +
      'first 100, by CSV line), the others imported. Answers with the finished import; a CSV that cannot be read ' +
      '(no header with `email`, broken quoting) is a 422 and the import is recorded as failed.',
  })
  @ApiCreatedResponse({ type: ListImportResponse })
  @ApiProblems(404, 415)
  importCsv(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Body() body: unknown): Promise<ListImportResponse> {
    return this.lists.importCsv(tenantId, id, body);
  }

  @Get(':id/imports/:importId')
  @Authenticated({ role: 'viewer' })
  @ApiOperation({ operationId: 'getListImport', summary: 'Progress of a CSV import', description: 'Rows read, imported and refused so far, and the refused rows with their line numbers.' })
  @ApiOkResponse({ type: ListImportResponse })
  @ApiProblems(404)
  getImport(
    @TenantId() tenantId: string,
    @Param('id', ParseIdPipe) id: string,
    @Param('importId', ParseIdPipe) importId: string,
  ): Promise<ListImportResponse> {
    return this.lists.getImport(tenantId, id, importId);
  }
}
