/** Small helpers for values that read like the domain. */

/** `Zoë O'Brien` → `zoe.obrien`: what the email CHECK (and a mail server) accepts. */
export function emailLocalPart(...names: string[]): string {
  const slug = names
    .map((name) =>
      name
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, ''),
    )
    .filter(Boolean)
    .join('.');
  return slug || 'user';
}

/** Subjects a study material is about. */
export const SUBJECTS = [
  'Graph Algorithms',
  'Linear Algebra',
  'Organic Chemistry',
  'Cell Biology',
  'Microeconomics',
  'World History',
  'Statistics',
  'Machine Learning',
  'Spanish Grammar',
  'Music Theory',
  'Operating Systems',
  'Thermodynamics',
] as const;

export const TITLE_PREFIXES = ['Introduction to', 'Foundations of', 'A Practical Guide to', 'Essentials of'] as const;

/** Metrics a learner's progress is measured by; the factory cycles through them, then numbers them. */
export const METRICS = ['mastery', 'completion', 'accuracy', 'streak_days', 'minutes_studied'] as const;

export const TUTOR_MODEL = { modelName: 'ctoprojects-tutor', modelVersion: '2026-01' } as const;
