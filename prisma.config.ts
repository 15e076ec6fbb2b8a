/**
 * Plain `npx prisma …` in this repository: the same configuration as
 * `npm run prisma:*` and the package's `ctoprojects-fixtures prisma`
 * (src/config/prisma-config.ts), offline engine included.
 */
import { fixturesPrismaConfig } from './src/config/prisma-config.ts';

export default fixturesPrismaConfig();
