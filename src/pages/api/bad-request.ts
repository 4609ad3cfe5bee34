import type { APIRoute } from 'astro';
import { DomainError } from '../../lib/errors.ts';
import { errorResponse } from '../../lib/http/errors.ts';

/** What the server answers for an API address it cannot decode (scripts/start.ts sends it here). */
export const ALL: APIRoute = () =>
  errorResponse(
    new DomainError(
      'invalid_input',
      'malformed_address',
      'The address cannot be decoded: percent-encode every character outside ASCII (UTF-8), and "%" itself as %25.',
      '地址无法解码：非 ASCII 字符须按 UTF-8 进行百分号编码，“%”本身写作 %25。',
    ),
    true,
  );
