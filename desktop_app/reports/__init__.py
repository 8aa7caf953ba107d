"""The printing kit: PDF (reportlab) and XLSX (openpyxl) builders every module uses."""
