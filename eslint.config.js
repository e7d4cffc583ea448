// ESLint flat config: typescript-eslint's recommended type-checked rules on src/, sim/ and tests/.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'data/', 'logs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CatchClause[body.body.length=0]", message: 'Empty catch: name the case, log it once, test it.' },
      ],
    },
  },
  {
    files: ['src/alpha/**', 'src/network_analysis/**', 'src/portfolio/**', 'src/risk_guardrails/**', 'src/options/**'],
    rules: {
      // Pure quant code: no hidden clocks or randomness (pass a Clock and a seeded rng).
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Take time from a Clock.' },
        { object: 'Math', property: 'random', message: 'Use a seeded rng (utils/rng.ts).' },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Quant code does no I/O and reads no env.' }],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
