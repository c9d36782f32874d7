// Preloaded (`node --import`) into the CLI by the fuzzer: writes the process's peak RSS (KB) to the file named
// by CIVSCORE_FUZZ_RSS when it exits, so a run can be judged on memory without polling /proc.
import { writeFileSync } from 'node:fs';

const file = process.env.CIVSCORE_FUZZ_RSS;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      // the folder may be gone; memory is then simply not judged
    }
  });
}
