<!DOCTYPE html>
<title>Koel</title>
