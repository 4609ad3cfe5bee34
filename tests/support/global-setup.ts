import { ensureFreshBuild } from '../../scripts/build.ts';

/** Build once for every HTTP test file (Starlight's e2e pattern); each file serves it on its own port. */
export default function setup(): void {
  ensureFreshBuild();
}
