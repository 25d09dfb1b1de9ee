// writes into public/uploads/
