/** Prisma's field names and PostgreSQL's column names, one into the other: `materialId` ↔ `material_id`. */

/** `materialId` → `material_id`. */
export const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** `material_id` → `materialId`. */
export const camelCase = (column: string): string =>
  column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
