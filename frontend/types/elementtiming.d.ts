// The Element Timing API's attribute (https://wicg.github.io/element-timing/): the browser reports
// when the text of an element carrying it was first painted. React passes it through as is.
import 'react';

declare module 'react' {
  interface HTMLAttributes<T> {
    elementtiming?: string;
  }
}
