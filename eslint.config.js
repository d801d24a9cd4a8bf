// ESLint's flat config: @eslint/js's and typescript-eslint's recommended rules, syntactic only (not
// type-checked, so that `npm run lint` stays fast), over the sources and these config files.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Generated output and data (the proofs, the corpus, Stryker's and vitest's reports), and scratch directories.
  { ignores: ['dist/', 'reports/', 'coverage/', '.stryker-tmp/', 'docs/', 'counterexamples/', 'out/', 'scratch/', '.pagecheck/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // A parameter or binding whose name starts with _ is unused on purpose (a callback's position, a skipped tuple element).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // Two effects in one statement are written as a comma sequence, `if (c) (a = x), (b = y);`: this code base's one-line style.
      '@typescript-eslint/no-unused-expressions': 'off',
      // The tests' regular expressions spell out the printed output's indentation as it is, space for space.
      'no-regex-spaces': 'off',
    },
  },
);
