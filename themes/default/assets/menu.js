// The main menu on narrow screens: the page's markup has it open (<details open>), so that
// without JavaScript the full list shows; here it is closed behind its "Meny" button while the
// screen is narrow, and open (its button hidden by style.css) while it is wide.
(function () {
  'use strict';
  var menu = document.getElementById('site-menu');
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia('(min-width: 48rem)');
  var apply = function () { menu.open = wide.matches; };
  apply();
  if (wide.addEventListener) wide.addEventListener('change', apply);
})();
