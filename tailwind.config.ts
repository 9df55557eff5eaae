import type { Config } from 'tailwindcss';

/**
 * Tailwind 4 reads its theme from views/app.css; this file names the sources it scans
 * and the few theme values that are easier to keep in one typed place.
 */
export default {
  content: ['./views/**/*.tsx', './public/app.js'],
  theme: {
    extend: {
      fontFamily: {
        sans: ['Inter', 'ui-sans-serif', 'system-ui', '-apple-system', 'Segoe UI', 'Roboto', 'sans-serif'],
      },
      colors: {
        brand: {
          50: '#eef6ff',
          100: '#d9eaff',
          600: '#1d5fd6',
          700: '#174bb0',
          800: '#163f8c',
          900: '#15366f',
        },
      },
    },
  },
} satisfies Config;
