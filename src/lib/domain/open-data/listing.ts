import { openDataFileUrl } from '../../ground/site/urls.ts';
import { toBeijingIso } from '../../ground/time/beijing.ts';
import type { OpenDataManifest } from './files.ts';

/** /data.json: every bulk file with its address, date, size, record count and SHA-256; no files yet before the first are written. */
export function openDataListingJson(manifest: OpenDataManifest | null, siteUrl: string, intervalMilliseconds: number) {
  return {
    generatedAt: manifest ? toBeijingIso(manifest.generatedAt) : null,
    finishedAt: manifest ? toBeijingIso(manifest.finishedAt) : null,
    regeneratedAtMostEverySeconds: Math.round(intervalMilliseconds / 1000),
    files: (manifest?.files ?? []).map((file) => ({
      name: file.name,
      url: openDataFileUrl(siteUrl, file.name),
      dataset: file.dataset,
      format: file.format,
      records: file.records,
      bytes: file.bytes,
      sha256: file.sha256,
    })),
  };
}
