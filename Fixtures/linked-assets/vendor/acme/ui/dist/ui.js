window.ui = 1;
