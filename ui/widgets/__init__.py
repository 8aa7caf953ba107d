"""Small reusable widgets: the monthly trend chart, the department picker, the result grid."""
