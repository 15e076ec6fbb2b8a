/** The configuration `ctoprojects-fixtures prisma …` hands the Prisma CLI (`--config`): see src/config/prisma-config.ts. */
import { fixturesPrismaConfig } from '../config/prisma-config.ts';

export default fixturesPrismaConfig();
