import type { APIRoute } from 'astro';
import { jsonResponse } from '../lib/web/http/errors.ts';
import { openDataFolder, readManifest } from '../lib/domain/open-data/files.ts';
import { openDataListingJson } from '../lib/domain/open-data/listing.ts';

// Read from disk each time (a few hundred bytes), never kept by the response cache: the files change without a commit.
export const GET: APIRoute = async ({ locals }) => {
  const { config } = locals.portal;
  const manifest = await readManifest(openDataFolder(config.databasePath));
  return jsonResponse(openDataListingJson(manifest, locals.siteUrl, config.openDataIntervalMilliseconds), {
    corsOpen: true,
    headers: { 'cache-control': 'no-cache' },
  });
};
